using Cucos.Persistence;
using Cucos.Tests.Support;
using Npgsql;

namespace Cucos.Tests.Postgres;

/// <summary>Schema migrations against a real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
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
