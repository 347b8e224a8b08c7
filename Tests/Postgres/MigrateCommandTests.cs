using Cucos.Persistence;
using Cucos.Tests.Support;

namespace Cucos.Tests.Postgres;

/// <summary>The <c>cucos migrate</c> command against a real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class MigrateCommandTests(PostgresServer postgres)
{
    [Fact]
    public async Task Migrate_applies_the_schema_then_reports_it_current()
    {
        var database = await postgres.CreateDatabaseAsync();
        var (first, second) = (new StringWriter(), new StringWriter());

        Assert.Equal(0, await Cucos.Cli.CucosCli.RunAsync(["migrate", "--postgres", database], first, TextWriter.Null));
        Assert.Equal(0, await Cucos.Cli.CucosCli.RunAsync(["migrate", "--postgres", database], second, TextWriter.Null));

        Assert.Contains("applied 0001 orleans_query", first.ToString());
        Assert.DoesNotContain("applied", second.ToString());
        Assert.Contains($"schema version {DatabaseMigrator.NewestVersion} ", second.ToString());
    }

    [Fact]
    public async Task Migrate_without_a_connection_or_with_a_dead_server_says_what_to_do()
    {
        var error = new StringWriter();
        Assert.Equal(1, await Cucos.Cli.CucosCli.RunAsync(["migrate", "--postgres", "Host=127.0.0.1;Port=1;Username=x;Database=y;Timeout=2"], TextWriter.Null, error));
        Assert.Contains("error: cannot reach PostgreSQL at 127.0.0.1:1/y", error.ToString());

        if (Environment.GetEnvironmentVariable(Cucos.Cli.Commands.MigrateCommand.ConnectionVariable) is null)
        {
            var usage = new StringWriter();
            Assert.Equal(2, await Cucos.Cli.CucosCli.RunAsync(["migrate"], TextWriter.Null, usage));
            Assert.Contains("no PostgreSQL connection: give --postgres", usage.ToString());
        }
    }
}
