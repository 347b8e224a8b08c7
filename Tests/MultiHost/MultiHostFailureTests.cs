using Cucos.State;
using Xunit.Abstractions;

namespace Cucos.Tests.MultiHost;

/// <summary>
/// Failures across real hosts: three silos and PostgreSQL each on its own address of a network-namespace lab, as pods
/// are. Each scenario prints what became of its analyses (finished, results stored once, duplicates) and the time to
/// recover, and asserts the invariants: nothing lost, nothing stored twice, no analysis duplicated. The deadlines are
/// generous limits, not measurements; the measured times go to docs/operations.md.
/// </summary>
[Trait("Category", "Processes")]
// In the collection of the other failover tests, so no two of them share the machine's two cores: a silo starved of
// CPU for seconds is suspected by its peers like a dead one, which is what these tests measure.
[Collection(Support.PostgresCollection.Name)]
public sealed class MultiHostFailureTests(MultiHostFixture lab, ITestOutputHelper output) : IClassFixture<MultiHostFixture>
{
    private const int SlowMilliseconds = 1500;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    [NetworkLabFact]
    public async Task Kill_9_of_a_silo_during_registry_fetches_loses_nothing()
    {
        await using var cluster = await lab.StartClusterAsync(output.WriteLine);
        var ids = await cluster.StartBatchAsync(24, SlowMilliseconds);
        await Task.Delay(TimeSpan.FromSeconds(1)); // the fetches (0.8 s each) and the first slow tasks are under way
        var killedAt = DateTimeOffset.UtcNow;
        cluster.Silo(1).Kill();
        cluster.Log("silo 2 killed (SIGKILL)");
        var declaredDead = cluster.WaitDeclaredDeadAsync(1, killedAt, Deadline);

        var analyses = await cluster.WaitFinishedAsync(ids, Deadline);
        var finishedAfter = DateTimeOffset.UtcNow - killedAt;
        cluster.Log($"declared dead {Seconds(await declaredDead)} after the kill; every analysis finished {Seconds(finishedAfter)} after it");
        await AssertNothingLostAsync(cluster, analyses);
    }

    [NetworkLabFact]
    public Task A_silo_partitioned_for_5_seconds_loses_nothing() => PartitionAsync(TimeSpan.FromSeconds(5));

    [NetworkLabFact]
    public Task A_silo_partitioned_for_60_seconds_loses_nothing() => PartitionAsync(TimeSpan.FromSeconds(60));

    /// <summary>Silo 3 loses its link to the other silos and to the database, then gets it back.</summary>
    private async Task PartitionAsync(TimeSpan partition)
    {
        await using var cluster = await lab.StartClusterAsync(output.WriteLine);
        var ids = await cluster.StartBatchAsync(24, SlowMilliseconds);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var cutAt = DateTimeOffset.UtcNow;
        await cluster.Host(2).PartitionAsync();
        cluster.Log($"silo 3 partitioned for {partition.TotalSeconds:0} s");
        var declaredDead = cluster.WaitDeclaredDeadAsync(2, cutAt, partition + TimeSpan.FromSeconds(5));
        await Task.Delay(partition);
        await cluster.Host(2).HealAsync();
        var dead = await declaredDead;
        cluster.Log($"silo 3 healed; declared dead: {(dead is null ? "no" : Seconds(dead) + " after the cut")}");

        var analyses = await cluster.WaitFinishedAsync(ids, Deadline);
        cluster.Log($"every analysis finished {Seconds(DateTimeOffset.UtcNow - cutAt)} after the cut");
        if (dead is not null)
        {
            // Declared dead, the silo stops itself once it can read the table again; its replacement joins as a new silo.
            var stopped = await cluster.Silo(2).WaitForExitAsync(TimeSpan.FromMinutes(1));
            cluster.Log(stopped ? "silo 3 saw it was declared dead and stopped" : "silo 3 still runs although declared dead");
            Assert.True(stopped, $"silo 3 was declared dead but kept running:\n{await cluster.DescribeMembershipAsync()}");
            cluster.Start(2);
            await cluster.WaitReadyAsync(2, TimeSpan.FromMinutes(2));
            cluster.Log($"silo 3 replaced and ready {Seconds(DateTimeOffset.UtcNow - cutAt)} after the cut");
        }
        await AssertNothingLostAsync(cluster, analyses);
    }

    [NetworkLabFact]
    public async Task A_rolling_restart_of_all_silos_under_load_loses_nothing()
    {
        await using var cluster = await lab.StartClusterAsync(output.WriteLine);
        var ids = await cluster.StartBatchAsync(20, SlowMilliseconds);
        var restartStarted = DateTimeOffset.UtcNow;
        for (var i = 0; i < 3; i++)
        {
            var exit = await cluster.Silo(i).TerminateAsync(TimeSpan.FromSeconds(45));
            Assert.True(exit == 0, $"silo {i + 1} did not stop cleanly on SIGTERM (exit {exit?.ToString() ?? "none"}):\n{cluster.Outputs()}");
            cluster.Start(i);
            await cluster.WaitReadyAsync(i, TimeSpan.FromMinutes(2));
            cluster.Log($"silo {i + 1} restarted");
            ids.AddRange(await cluster.StartBatchAsync(8, SlowMilliseconds));
        }
        cluster.Log($"rolling restart took {Seconds(DateTimeOffset.UtcNow - restartStarted)}");

        var analyses = await cluster.WaitFinishedAsync(ids, Deadline);
        cluster.Log($"every analysis finished {Seconds(DateTimeOffset.UtcNow - restartStarted)} after the restart began");
        await AssertNothingLostAsync(cluster, analyses);
    }

    [NetworkLabFact]
    public async Task PostgreSQL_restarted_under_load_loses_nothing()
    {
        await using var cluster = await lab.StartClusterAsync(output.WriteLine);
        var ids = await cluster.StartBatchAsync(24, SlowMilliseconds);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var stoppedAt = DateTimeOffset.UtcNow;
        await lab.Postgres.StopServerAsync();
        cluster.Log("PostgreSQL stopped (immediate)");
        await Task.Delay(TimeSpan.FromSeconds(5));
        await lab.Postgres.StartServerAsync();
        cluster.Log("PostgreSQL started again");

        var analyses = await cluster.WaitFinishedAsync(ids, Deadline);
        cluster.Log($"every analysis finished {Seconds(DateTimeOffset.UtcNow - stoppedAt)} after the stop");
        await AssertNothingLostAsync(cluster, analyses);
    }

    [NetworkLabFact]
    public async Task A_fresh_cluster_gets_past_the_active_rows_of_killed_silos()
    {
        await using var cluster = await lab.StartClusterAsync(output.WriteLine);
        for (var i = 0; i < 3; i++)
            cluster.Silo(i).Kill();
        cluster.Log("all three silos killed (SIGKILL); their rows stay Active");
        var startedAt = DateTimeOffset.UtcNow;
        // New silos on a new port: new members, not restarts of the old ones, so the old rows must be voted out.
        for (var i = 0; i < 3; i++)
            cluster.Start(i, siloPort: ClusterDefaults.SiloPort + 1);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => cluster.WaitReadyAsync(i, TimeSpan.FromMinutes(4))));
        cluster.Log($"the new cluster was ready {Seconds(DateTimeOffset.UtcNow - startedAt)} after its start");

        var analyses = await cluster.WaitFinishedAsync(await cluster.StartBatchAsync(6, SlowMilliseconds), Deadline);
        await AssertNothingLostAsync(cluster, analyses);
    }

    private async Task AssertNothingLostAsync(LabCluster cluster, Dictionary<string, AnalysisSnapshot?> analyses)
    {
        var outcome = await cluster.CountAsync(analyses);
        cluster.Log(outcome.ToString());
        foreach (var analysis in analyses.Values.Where(a => a is not null && a.Status != AnalysisStatus.Succeeded).Take(5))
            cluster.Log($"{analysis!.AnalysisId} {analysis.Status}: " +
                string.Join("; ", analysis.Tasks.Values.Select(t => $"{t.Name} {t.Status} after {t.Attempts} attempts {t.Error?.Type} {t.Error?.Message}")));
        var context = $"{outcome}\n{await cluster.DescribeMembershipAsync()}\n{cluster.Outputs()}";
        Assert.True(outcome.Finished == outcome.Started, "analyses did not finish in time: " + context);
        Assert.True(outcome.Succeeded == outcome.Started,
            "analyses failed: " + string.Join("; ", analyses.Values.Where(a => a?.Status != AnalysisStatus.Succeeded)
                .Select(a => $"{a!.AnalysisId} {a.Status} {string.Join(", ", a.Tasks.Values.Select(t => $"{t.Name} {t.Status} {t.Error?.Message}"))}")) + "\n" + context);
        Assert.True(outcome.ResultsStoredTwice == 0, "results stored more than once: " + context);
        Assert.True(outcome.ResultsStoredOnce == outcome.ResultsExpected, "results missing: " + context);
        Assert.True(outcome.AnalysesDuplicated == 0, "analyses duplicated: " + context);
    }

    private static string Seconds(TimeSpan? time) => time is { } t ? $"{t.TotalSeconds:0.0} s" : "never";
}
