using Cucos.Client.Http;
using Cucos.Messages;
using Cucos.Persistence;
using Cucos.State;
using Cucos.Tests.Support;
using Cucos.Tests.TestTasks;
using Xunit.Abstractions;

namespace Cucos.Tests.HttpApi;

/// <summary>
/// Three silo processes on loopback sharing PostgreSQL; a batch of analyses started through one silo's HTTP API, another
/// silo killed (SIGKILL) during the batch, and every analysis still finishes, as read through the same API.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
[Trait("Category", "Processes")]
public sealed class HttpFailoverTests(PostgresServer postgres, ITestOutputHelper log)
{
    private const int Analyses = 20;

    [Fact]
    public async Task A_batch_started_over_http_finishes_after_another_silo_is_killed()
    {
        using var cache = new TempDirectory("cucos-http-failover");
        using var packages = new LoopbackPackages();
        var database = await postgres.CreateDatabaseAsync();
        await new DatabaseMigrator(database).MigrateAsync();
        var clusterId = "http-failover-" + Guid.NewGuid().ToString("N")[..8];
        var environment = new Dictionary<string, string>(packages.SiloEnvironment())
        {
            ["ConnectionStrings__Cucos"] = database,
            ["Cucos__TaskAssemblies"] = typeof(TestTaskModule).Assembly.Location,
            ["Cucos__ReminderMinimumPeriod"] = "00:00:01",
            ["Cucos__WatchdogInterval"] = "00:00:01",
            ["Cucos__LeaseGrace"] = "00:00:02",
        };
        var silos = new List<SiloProcess>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            silos.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => SiloProcess.StartAsync(cache.Path, clusterId, environment))));
            await Task.WhenAll(silos.Select(s => HttpWait.ReadyAsync(s, TimeSpan.FromSeconds(60))));

            log.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: three silos ready");
            using var http = CucosHttpClient.CreateHttpClient(silos[0].HttpAddress);
            var api = new CucosHttpClient(http);
            // One package version, analysed again and again (force): each analysis fetches it from the loopback registry,
            // then its 'slow' task takes a moment, long enough to be caught running on the silo that dies.
            var tickets = await Task.WhenAll(Enumerable.Range(0, Analyses).Select(_ => api.StartAnalysisAsync(
                AnalysisRequest.ForPackage("npm", LoopbackPackages.NpmName, "1.0.0", force: true, tasks: ["slow"]) with
                {
                    Parameters = new() { ["slow.ms"] = "1500" },
                })));
            log.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {Analyses} analyses started");
            await Task.Delay(TimeSpan.FromSeconds(1));
            silos[1].Kill();

            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            var analyses = await Task.WhenAll(tickets.Select(t => api.WaitForCompletionAsync(t.AnalysisId, timeout.Token)));

            log.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: every analysis finished; " +
                $"{analyses.Count(a => a.Tasks.Values.Any(t => t.Attempts + t.UndeliveredAttempts > 1))} of them ran a task again after the kill");
            var output = string.Join("\n---\n", silos.Select(s => s.Output));
            Assert.All(analyses, a => Assert.True(a.Status == AnalysisStatus.Succeeded,
                $"{a.AnalysisId}: {a.Status} {string.Join("; ", a.Tasks.Values.Select(t => $"{t.Name} {t.Status} {t.Error?.Message}"))}\n{output[^Math.Min(output.Length, 4000)..]}"));
            Assert.All(analyses, a => Assert.Equal(["finalize", "init", "slow"], a.Tasks.Keys.Order()));
            foreach (var analysis in analyses)
                Assert.NotNull(await api.GetResultAsync(analysis.AnalysisId, "slow"));

            var list = await api.ListAnalysesAsync("npm", LoopbackPackages.NpmName, "1.0.0");
            Assert.Equal(tickets.Select(t => t.AnalysisId).Order(), list.Analyses.Select(a => a.AnalysisId).Order());
            Assert.All(list.Analyses, a => Assert.Equal(AnalysisStatus.Succeeded, a.Status));
            Assert.Single(list.Analyses, a => a.Current);
        }
        finally
        {
            foreach (var silo in silos)
                await silo.DisposeAsync();
        }
    }
}
