using Cucos.Grains;
using Cucos.Grains.Execution;
using Cucos.Sdk;
using Cucos.State;
using Cucos.Tests.Support;
using Cucos.Tests.TestTasks;

namespace Cucos.Tests.Analysis;

/// <summary>Re-running one task of a stored analysis through the analysis grain, on the in-process cluster.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class TaskRerunTests(ClusterFixture cluster)
{
    private IAnalysisGrain Analysis(string id) => cluster.SiloGrains.GetGrain<IAnalysisGrain>(id);

    private async Task<AnalysisSnapshot> WaitAsync(string analysisId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await cluster.Client.WaitForCompletionAsync(analysisId, timeout.Token);
    }

    [Fact]
    public async Task A_rerun_runs_the_task_and_its_dependent_again_then_the_callback_and_keeps_the_audit_trail()
    {
        var first = await cluster.RunAsync(cluster.Request("producer", "consumer"));
        Assert.Equal(AnalysisStatus.Succeeded, first.Status);

        var answer = await Analysis(first.AnalysisId).RerunTaskAsync("producer", "upstream data changed", "tests");

        Assert.Equal(TaskRerunOutcome.Started, answer.Outcome);
        Assert.Equal(["consumer", "finalize", "producer"], answer.Rerun.Tasks);
        var again = await WaitAsync(first.AnalysisId);
        Assert.Equal(AnalysisStatus.Succeeded, again.Status);
        Assert.Equal(2, again.Tasks["producer"].Attempts);
        Assert.Equal(2, again.Tasks["consumer"].Attempts);
        Assert.Equal(2, again.Tasks[CucosFlow.FinalizeTask].Attempts);
        Assert.Equal(1, again.Tasks["init"].Attempts);
        Assert.True(again.FinishedAt > first.FinishedAt);
        var audit = Assert.Single(again.Reruns);
        Assert.Equal(("producer", "upstream data changed", "tests"), (audit.TaskName, audit.Reason, audit.RequestedBy));
        Assert.Equal(again.FinishedAt, audit.FinishedAt);
        Assert.Equal(AnalysisStatus.Succeeded, audit.Status);
        // The stored result is the new attempt's.
        var result = await cluster.Client.GetResultAsync(first.AnalysisId, "consumer");
        Assert.Equal(2, result!.Value.GetProperty("_audit").GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task The_callback_of_a_subtree_runs_again_when_one_task_below_it_is_rerun()
    {
        var first = await cluster.RunAsync(cluster.Request("fan-out"));
        Assert.Equal(1, TestTaskLog.CallbackRuns[first.AnalysisId]);

        await Analysis(first.AnalysisId).RerunTaskAsync(FanOutTask.Children[7], "one child again", "tests");
        var again = await WaitAsync(first.AnalysisId);

        Assert.Equal(AnalysisStatus.Succeeded, again.Status);
        Assert.Equal(2, TestTaskLog.CallbackRuns[first.AnalysisId]);
        Assert.Equal(2, again.Tasks[FanOutTask.Children[7]].Attempts);
        Assert.Equal(1, again.Tasks[FanOutTask.Children[8]].Attempts);
        Assert.Equal(1, again.Tasks["fan-out"].Attempts);
    }

    [Fact]
    public async Task A_task_that_reads_the_package_is_rerun_after_the_folder_was_removed_with_init_laying_it_out_again()
    {
        var first = await cluster.RunAsync(cluster.Request("digests", "producer"));
        Assert.Equal(AnalysisStatus.Succeeded, first.Status);
        var before = (await cluster.Client.GetResultAsync(first.AnalysisId, "digests"))!.Value.GetProperty("summary").GetRawText();
        // The folder went with the finish (the request does not keep it).
        Assert.False(Directory.Exists(AnalysisCache.PathFor(cluster.CacheRoot, first.Request.ToRequestView(), first.AnalysisId)));

        var answer = await Analysis(first.AnalysisId).RerunTaskAsync("digests", "hashing again", "tests");

        Assert.Equal(["digests", "finalize", "init"], answer.Rerun.Tasks);
        var again = await WaitAsync(first.AnalysisId);
        Assert.True(again.Status == AnalysisStatus.Succeeded, string.Join("; ", again.Tasks.Values.Select(t => $"{t.Name} {t.Status} {t.Error?.Message}")));
        Assert.Equal((2, 2, 1), (again.Tasks["init"].Attempts, again.Tasks["digests"].Attempts, again.Tasks["producer"].Attempts));
        var after = (await cluster.Client.GetResultAsync(first.AnalysisId, "digests"))!.Value;
        Assert.Equal(2, after.GetProperty("_audit").GetProperty("attempt").GetInt32());
        Assert.Equal(before, after.GetProperty("summary").GetRawText());
        Assert.False(Directory.Exists(AnalysisCache.PathFor(cluster.CacheRoot, first.Request.ToRequestView(), first.AnalysisId)));

        // A task that reads only results re-runs alone: init is not fetched again for it.
        var results = await Analysis(first.AnalysisId).RerunTaskAsync("producer", "results only", "tests");
        Assert.Equal(["finalize", "producer"], results.Rerun.Tasks);
        Assert.Equal(2, (await WaitAsync(first.AnalysisId)).Tasks["init"].Attempts);
    }

    [Fact]
    public async Task A_second_call_while_the_rerun_is_pending_is_answered_with_the_pending_one()
    {
        var first = await cluster.RunAsync(cluster.Request("slow") with { Parameters = new() { ["slow.ms"] = "3000" } });

        var started = await Analysis(first.AnalysisId).RerunTaskAsync("slow", "once", "tests");
        var duplicate = await Analysis(first.AnalysisId).RerunTaskAsync("slow", "once more", "tests");

        Assert.Equal(TaskRerunOutcome.Started, started.Outcome);
        Assert.Equal(TaskRerunOutcome.AlreadyPending, duplicate.Outcome);
        Assert.Equal(started.Rerun.RequestedAt, duplicate.Rerun.RequestedAt);
        var again = await WaitAsync(first.AnalysisId);
        Assert.Equal(2, again.Tasks["slow"].Attempts);
        Assert.Single(again.Reruns);
    }

    [Fact]
    public async Task Unknown_analysis_unknown_task_and_a_running_analysis_get_clear_refusals()
    {
        var missing = await Assert.ThrowsAsync<TaskRerunRefusedException>(() => Analysis("no-such-analysis").RerunTaskAsync("producer", "why"));
        Assert.Equal(TaskRerunRefusal.AnalysisNotFound, missing.Refusal);

        var done = await cluster.RunAsync(cluster.Request("producer"));
        var unknown = await Assert.ThrowsAsync<TaskRerunRefusedException>(() => Analysis(done.AnalysisId).RerunTaskAsync("nope", "why"));
        Assert.Equal(TaskRerunRefusal.UnknownTask, unknown.Refusal);
        Assert.Contains("no task 'nope'", unknown.Message, StringComparison.Ordinal);
        var empty = await Assert.ThrowsAsync<TaskRerunRefusedException>(() => Analysis(done.AnalysisId).RerunTaskAsync("producer", " "));
        Assert.Equal(TaskRerunRefusal.InvalidArgument, empty.Refusal);

        var ticket = await cluster.Client.StartAnalysisAsync(cluster.Request("slow"));
        var running = await Assert.ThrowsAsync<TaskRerunRefusedException>(() => Analysis(ticket.AnalysisId).RerunTaskAsync("slow", "why"));
        Assert.Equal(TaskRerunRefusal.AnalysisNotFinished, running.Refusal);
        Assert.Empty((await WaitAsync(ticket.AnalysisId)).Reruns);
    }
}
