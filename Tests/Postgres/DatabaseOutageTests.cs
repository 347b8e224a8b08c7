using Cucos.Messages;
using Cucos.Persistence;
using Cucos.State;
using Cucos.Tests.Support;
using Npgsql;

namespace Cucos.Tests.Postgres;

/// <summary>PostgreSQL goes away in the middle of a batch of analyses and comes back.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
[Trait("Category", "Cluster")]
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task Analyses_in_flight_complete_after_the_database_comes_back_with_each_result_stored_once()
    {
        // An own server: this test stops it, which must not disturb the others.
        await using var server = new OwnedServer();
        await server.Postgres.InitializeAsync();
        var database = await server.Postgres.CreateDatabaseAsync();
        await new DatabaseMigrator(database).MigrateAsync();
        using var cache = new TempDirectory("cucos-cache");
        using var package = new TempDirectory("cucos-package");
        Fixtures.WriteTree(package.Path, Fixtures.SmallPackage());
        await using var cluster = await PostgresCluster.StartAsync(database, "outage-" + Guid.NewGuid().ToString("N")[..8], cache.Path);

        var tickets = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => cluster.Client.StartAnalysisAsync(new AnalysisRequest
        {
            Ecosystem = "test", Name = $"outage-{i}", Version = "1.0.0", SourcePath = package.Path,
            Tasks = ["slow", "producer"], Parameters = new() { ["slow.ms"] = "1000" },
        })));
        await Task.Delay(300);
        await server.Postgres.StopServerAsync();
        // A request while the database is away: a transient error the client can read (Npgsql's own exceptions do
        // not cross Orleans), so the API answers 503 and the client knows to try again.
        var during = new AnalysisRequest { Ecosystem = "test", Name = "outage-during", Version = "1.0.0", SourcePath = package.Path, Tasks = ["producer"] };
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => cluster.Client.StartAnalysisAsync(during));
        Assert.True(ClusterErrors.IsTransient(refused), refused.ToString());
        Assert.DoesNotContain("CodecNotFound", refused.ToString(), StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await server.Postgres.StartServerAsync();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var retried = await ClusterErrors.RetryTransientAsync(() => cluster.Client.StartAnalysisAsync(during), TimeSpan.FromMinutes(1), timeout.Token);
        tickets = [.. tickets, retried];
        var analyses = await Task.WhenAll(tickets.Select(t => cluster.Client.WaitForCompletionAsync(t.AnalysisId, timeout.Token)));
        Assert.Equal([retried.AnalysisId], (await cluster.Client.ListAnalysesAsync("test", "outage-during", "1.0.0")).Analyses.Select(a => a.AnalysisId));

        Assert.All(analyses, a => Assert.True(a.Status == AnalysisStatus.Succeeded,
            $"{a.AnalysisId}: {a.Status}: {string.Join("; ", a.Tasks.Values.Where(t => t.Status != AnalysisTaskStatus.Succeeded).Select(t => $"{t.Name} {t.Status} {t.Error?.Message}"))}"));
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var results = new NpgsqlCommand("""
            SELECT count(*) FROM cucos_grain_state WHERE state_name = 'task-result' AND payload IS NOT NULL
            """, connection);
        Assert.Equal(10L * 4 + 3, await results.ExecuteScalarAsync()); // init, slow, producer, finalize; and init, producer, finalize
    }

    private sealed class OwnedServer : IAsyncDisposable
    {
        public PostgresServer Postgres { get; } = new() { AlwaysOwnServer = true };
        public async ValueTask DisposeAsync() => await Postgres.DisposeAsync();
    }
}
