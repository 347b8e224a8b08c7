using Cucos.Persistence;
using Cucos.Tests.Support;
using Npgsql;

namespace Cucos.Tests.Postgres;

/// <summary><c>cucos analyze --postgres</c>: the terminal's analysis, stored in PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
[Trait("Category", "Cluster")]
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
        var exit = await Cucos.Cli.CucosCli.RunAsync(
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
        var exit = await Cucos.Cli.CucosCli.RunAsync(["analyze", work.Combine("pkg"), "--postgres", database], TextWriter.Null, stderr);

        Assert.Equal(1, exit);
        Assert.Contains("has schema version 0", stderr.ToString());
        Assert.Contains("Run 'cucos migrate", stderr.ToString());
    }
}
