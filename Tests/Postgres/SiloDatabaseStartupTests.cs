using Cucos.Grains.Hosting;
using Cucos.Tests.Support;
using Npgsql;

namespace Cucos.Tests.Postgres;

/// <summary>The silo process facing a database that is not there, not migrated, or migrated by the silo itself.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
[Trait("Category", "Processes")]
public sealed class SiloDatabaseStartupTests(PostgresServer postgres)
{
    [Fact]
    public async Task Unreachable_database_is_named_and_retried_with_backoff_instead_of_crashing()
    {
        using var cache = new TempDirectory("cucos-cache");
        var port = CucosEmbeddedCluster.FreeLoopbackPort();
        await using var silo = SiloProcess.StartNoWait(cache.Path, "startup", new Dictionary<string, string>
        {
            ["ConnectionStrings__Cucos"] = $"Host=127.0.0.1;Port={port};Username=cucos;Database=cucos;Timeout=2",
        });

        Assert.True(await silo.WaitForOutputAsync("Trying again in 2 s", TimeSpan.FromSeconds(30)), silo.Output);
        Assert.Contains($"cannot reach PostgreSQL at 127.0.0.1:{port}/cucos", silo.Output);
        Assert.Contains("Check that the server runs", silo.Output);
        Assert.False(silo.HasExited);
        Assert.DoesNotContain("   at ", silo.Output);
    }

    [Fact]
    public async Task Unmigrated_database_stops_the_silo_with_run_migrate_and_migrate_on_start_fixes_it()
    {
        using var cache = new TempDirectory("cucos-cache");
        var database = await postgres.CreateDatabaseAsync();
        var environment = new Dictionary<string, string> { ["ConnectionStrings__Cucos"] = database };

        var (exitCode, output) = await SiloProcess.RunToExitAsync(cache.Path, "startup", CucosEmbeddedCluster.FreeLoopbackPort(), CucosEmbeddedCluster.FreeLoopbackPort(), environment);
        Assert.Equal(1, exitCode);
        Assert.Contains("Run 'cucos migrate --postgres <connection>' (or start the silo with Cucos:Postgres:Migrate=true)", output);
        Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(database).Password ?? "\u0001", output);

        environment["Cucos__Postgres__Migrate"] = "true";
        await using var silo = SiloProcess.StartNoWait(cache.Path, "startup", environment);
        await silo.WaitForGatewayAsync(TimeSpan.FromSeconds(60));
        Assert.Contains("applied migration 0004 reminders", silo.Output);
    }
}
