using Cucos.Orleans.Persistence;
using Cucos.Orleans.Tests.Support;
using Npgsql;

namespace Cucos.Orleans.Tests.Postgres;

/// <summary>Schema migrations against a real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MigrationTests(PostgresServer postgres)
{
    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Fresh_database_is_migrated_to_the_newest_version_and_a_second_run_applies_nothing()
    {
        var database = await postgres.CreateDatabaseAsync();
        var migrator = new DatabaseMigrator(database);
        Assert.Equal(0, await migrator.GetSchemaVersionAsync());

        var first = await migrator.MigrateAsync();
        var second = await migrator.MigrateAsync();

        Assert.Equal(Migration.All.Select(m => m.Version), first.Applied.Select(m => m.Version));
        Assert.Empty(second.Applied);
        Assert.Equal(DatabaseMigrator.NewestVersion, second.SchemaVersion);
        Assert.Equal(Migration.All.Count, await CountAsync(database, "SELECT count(*) FROM cucos_schema_migrations"));
        Assert.Equal(1, await CountAsync(database, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'orleansquery'"));
        await migrator.EnsureReadyAsync();
    }

    [Fact]
    public async Task Concurrent_migrators_take_turns()
    {
        var database = await postgres.CreateDatabaseAsync();

        var reports = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => new DatabaseMigrator(database).MigrateAsync())));

        Assert.Equal(Migration.All.Count, reports.Sum(r => r.Applied.Count));
        Assert.Equal(Migration.All.Count, await CountAsync(database, "SELECT count(*) FROM cucos_schema_migrations"));
    }

    [Fact]
    public async Task Unmigrated_database_says_to_run_migrate()
    {
        var database = await postgres.CreateDatabaseAsync();
        var error = await Assert.ThrowsAsync<DatabaseNotReadyException>(() => new DatabaseMigrator(database).EnsureReadyAsync());
        Assert.Contains("has schema version 0", error.Message);
        Assert.Contains("Run 'cucos migrate --postgres <connection>'", error.Message);
    }

    [Fact]
    public async Task Unreachable_server_and_unknown_user_and_database_are_named()
    {
        var database = await postgres.CreateDatabaseAsync();
        var settings = new NpgsqlConnectionStringBuilder(database);

        var closedPort = Grains.Hosting.CucosEmbeddedCluster.FreeLoopbackPort();
        var unreachable = await Assert.ThrowsAsync<DatabaseNotReadyException>(() =>
            new DatabaseMigrator($"Host=127.0.0.1;Port={closedPort};Username=x;Database=y;Timeout=3").MigrateAsync());
        Assert.Contains($"cannot reach PostgreSQL at 127.0.0.1:{closedPort}/y", unreachable.Message);

        var badUser = await Assert.ThrowsAsync<DatabaseNotReadyException>(() =>
            new DatabaseMigrator(new NpgsqlConnectionStringBuilder(database) { Username = "nobody_here" }.ConnectionString).MigrateAsync());
        Assert.Contains("refused the credentials of user 'nobody_here'", badUser.Message);

        var noDatabase = await Assert.ThrowsAsync<DatabaseNotReadyException>(() =>
            new DatabaseMigrator(new NpgsqlConnectionStringBuilder(database) { Database = "no_such_db" }.ConnectionString).MigrateAsync());
        Assert.Contains("has no database 'no_such_db'", noDatabase.Message);
        Assert.DoesNotContain(settings.Password ?? "\u0001", noDatabase.Message);
    }
}

/// <summary>The <c>cucos migrate</c> command against a real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MigrateCommandTests(PostgresServer postgres)
{
    [Fact]
    public async Task Migrate_applies_the_schema_then_reports_it_current()
    {
        var database = await postgres.CreateDatabaseAsync();
        var (first, second) = (new StringWriter(), new StringWriter());

        Assert.Equal(0, await Cucos.Orleans.Cli.CucosCli.RunAsync(["migrate", "--postgres", database], first, TextWriter.Null));
        Assert.Equal(0, await Cucos.Orleans.Cli.CucosCli.RunAsync(["migrate", "--postgres", database], second, TextWriter.Null));

        Assert.Contains("applied 0001 orleans_query", first.ToString());
        Assert.DoesNotContain("applied", second.ToString());
        Assert.Contains($"schema version {DatabaseMigrator.NewestVersion} ", second.ToString());
    }

    [Fact]
    public async Task Migrate_without_a_connection_or_with_a_dead_server_says_what_to_do()
    {
        var error = new StringWriter();
        Assert.Equal(1, await Cucos.Orleans.Cli.CucosCli.RunAsync(["migrate", "--postgres", "Host=127.0.0.1;Port=1;Username=x;Database=y;Timeout=2"], TextWriter.Null, error));
        Assert.Contains("error: cannot reach PostgreSQL at 127.0.0.1:1/y", error.ToString());

        if (Environment.GetEnvironmentVariable(Cucos.Orleans.Cli.Commands.MigrateCommand.ConnectionVariable) is null)
        {
            var usage = new StringWriter();
            Assert.Equal(2, await Cucos.Orleans.Cli.CucosCli.RunAsync(["migrate"], TextWriter.Null, usage));
            Assert.Contains("no PostgreSQL connection: give --postgres", usage.ToString());
        }
    }
}

/// <summary><c>cucos analyze --postgres</c>: the terminal's analysis, stored in PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AnalyzeWithPostgresTests(PostgresServer postgres)
{
    [Fact]
    public async Task Analyze_with_postgres_stores_the_results_there()
    {
        using var work = new TempDirectory("cucos-cli-pg");
        Fixtures.WriteTree(work.Combine("pkg"), Fixtures.SmallPackage());
        var database = await postgres.CreateDatabaseAsync();
        await new DatabaseMigrator(database).MigrateAsync();

        var stdout = new StringWriter();
        var exit = await Cucos.Orleans.Cli.CucosCli.RunAsync(
            ["analyze", work.Combine("pkg"), "--postgres", database, "--quiet", "--cache", work.Combine("cache")], stdout, TextWriter.Null);

        Assert.True(exit == 0, stdout.ToString());
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM cucos_grain_state WHERE state_name = 'task-result' AND payload->'Document'->'schema'->>'name' = 'digests'", connection);
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Analyze_with_an_unmigrated_database_says_to_run_migrate()
    {
        using var work = new TempDirectory("cucos-cli-pg");
        Fixtures.WriteTree(work.Combine("pkg"), Fixtures.SmallPackage());
        var database = await postgres.CreateDatabaseAsync();

        var stderr = new StringWriter();
        var exit = await Cucos.Orleans.Cli.CucosCli.RunAsync(["analyze", work.Combine("pkg"), "--postgres", database], TextWriter.Null, stderr);

        Assert.Equal(1, exit);
        Assert.Contains("has schema version 0", stderr.ToString());
        Assert.Contains("Run 'cucos migrate", stderr.ToString());
    }
}
