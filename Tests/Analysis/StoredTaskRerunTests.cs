using Cucos.Grains;
using Cucos.Messages;
using Cucos.Persistence;
using Cucos.State;
using Cucos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cucos.Tests.Analysis;

/// <summary>A re-run of an analysis stored in PostgreSQL, asked for after the whole cluster restarted.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
[Trait("Category", "Cluster")]
public sealed class StoredTaskRerunTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly TempDirectory cache = new("cucos-cache");
    private readonly TempDirectory package = new("cucos-package");
    private string database = "";

    public async Task InitializeAsync()
    {
        Fixtures.WriteTree(package.Path, Fixtures.SmallPackage());
        database = await postgres.CreateDatabaseAsync();
        await new DatabaseMigrator(database).MigrateAsync();
    }

    public Task DisposeAsync()
    {
        cache.Dispose();
        package.Dispose();
        return Task.CompletedTask;
    }

    private static IAnalysisGrain Analysis(PostgresCluster cluster, string id) =>
        cluster.Cluster.GetSiloServiceProvider().GetRequiredService<IGrainFactory>().GetGrain<IAnalysisGrain>(id);

    [Fact]
    public async Task A_stored_analysis_is_rerun_after_a_restart_and_its_audit_trail_is_in_the_database()
    {
        var clusterId = "rerun-" + Guid.NewGuid().ToString("N")[..8];
        var request = new AnalysisRequest
        {
            Ecosystem = "test", Name = "pkg-" + Guid.NewGuid().ToString("N"), Version = "1.0.0",
            SourcePath = package.Path, Tasks = ["producer", "consumer"],
        };
        string analysisId;
        await using (var first = await PostgresCluster.StartAsync(database, clusterId, cache.Path))
        {
            analysisId = (await first.Client.StartAnalysisAsync(request)).AnalysisId;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            Assert.Equal(AnalysisStatus.Succeeded, (await first.Client.WaitForCompletionAsync(analysisId, timeout.Token)).Status);
        }

        await using var second = await PostgresCluster.StartAsync(database, clusterId, cache.Path);
        var answer = await Analysis(second, analysisId).RerunTaskAsync("consumer", "advisories changed", "tests");
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            var again = await second.Client.WaitForCompletionAsync(analysisId, timeout.Token);
            Assert.Equal(AnalysisStatus.Succeeded, again.Status);
            Assert.Equal(2, again.Tasks["consumer"].Attempts);
            Assert.Equal(1, again.Tasks["producer"].Attempts);
        }
        Assert.Equal(TaskRerunOutcome.Started, answer.Outcome);

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT r->>'Reason', r->>'Status' FROM cucos_grain_state s, jsonb_array_elements(s.payload->'Analysis'->'Reruns') r " +
            "WHERE s.state_name = 'analysis' AND s.payload->'Analysis'->>'AnalysisId' = @id", connection);
        command.Parameters.AddWithValue("id", analysisId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("advisories changed", reader.GetString(0));
        Assert.Equal("Succeeded", reader.GetString(1));
        Assert.False(await reader.ReadAsync());
        // No reminder outlives the re-run's second finish.
        await reader.DisposeAsync();
        await using var reminders = new NpgsqlCommand("SELECT count(*) FROM cucos_reminder WHERE grain_id LIKE '%' || @id || '%'", connection);
        reminders.Parameters.AddWithValue("id", analysisId);
        Assert.Equal(0L, (long)(await reminders.ExecuteScalarAsync())!);
    }
}
