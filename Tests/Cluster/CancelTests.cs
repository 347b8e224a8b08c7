using Cucos.Grains;
using Cucos.Sdk;
using Cucos.State;
using Cucos.Tests.Support;
using Cucos.Tests.TestTasks;

namespace Cucos.Tests.Cluster;

/// <summary>Cancelling an analysis: the running attempt's token is cancelled, nothing new runs, the callback runs once, results stay.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class CancelTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private Task<int> FinalizeInvocations(string analysisId) =>
        fixture.Grains.GetGrain<ICallbackGrain>(GrainKeys.Callback(analysisId, CucosFlow.FinalizeTask)).GetInvocationCountAsync();

    [Fact]
    public async Task A_cancel_stops_the_running_attempt_skips_what_waits_runs_the_callback_once_and_keeps_stored_results()
    {
        var ticket = await fixture.Client.StartAnalysisAsync(fixture.Request("producer", "blocks", "needs-blocks"));
        await BlocksUntilCancelledTask.Signal(BlocksUntilCancelledTask.Started, ticket.AnalysisId).Task.WaitAsync(Bound);
        // The producer's result must be stored before the cancel, to see that it is kept.
        using (var wait = new CancellationTokenSource(Bound))
            while ((await fixture.Client.GetAnalysisAsync(ticket.AnalysisId))!.Tasks["producer"].Status != AnalysisTaskStatus.Succeeded)
                await Task.Delay(50, wait.Token);

        var cancelled = await fixture.Client.CancelAnalysisAsync(ticket.AnalysisId);

        Assert.NotNull(cancelled!.CancelledAt);
        // The executor was told: the task saw its CancellationToken cancelled.
        await BlocksUntilCancelledTask.Signal(BlocksUntilCancelledTask.SawCancel, ticket.AnalysisId).Task.WaitAsync(Bound);
        using var timeout = new CancellationTokenSource(Bound);
        var analysis = await fixture.Client.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);
        Assert.Equal(AnalysisStatus.Cancelled, analysis.Status);
        var blocks = analysis.Tasks["blocks"];
        Assert.Equal(AnalysisTaskStatus.Failed, blocks.Status);
        Assert.Equal("Cucos.Cancelled", blocks.Error!.Type);
        Assert.Equal(1, blocks.Attempts);
        Assert.Equal(AnalysisTaskStatus.Skipped, analysis.Tasks["needs-blocks"].Status);
        Assert.Equal(0, analysis.Tasks["needs-blocks"].Attempts);
        Assert.Equal(AnalysisTaskStatus.Succeeded, analysis.Tasks["producer"].Status);
        Assert.NotNull(await fixture.Client.GetResultAsync(ticket.AnalysisId, "producer"));
        Assert.Equal(AnalysisTaskStatus.Succeeded, analysis.Tasks[CucosFlow.FinalizeTask].Status);
        Assert.Equal(1, await FinalizeInvocations(ticket.AnalysisId));

        // Idempotent: a second cancel changes nothing, not even the revision.
        var again = await fixture.Client.CancelAnalysisAsync(ticket.AnalysisId);
        Assert.Equal(analysis.Revision, again!.Revision);
        Assert.Equal(AnalysisStatus.Cancelled, again.Status);
        Assert.Equal(1, await FinalizeInvocations(ticket.AnalysisId));
    }

    [Fact]
    public async Task A_finished_analysis_is_left_as_it_ended_and_an_unknown_one_is_null()
    {
        var finished = await fixture.RunAsync(fixture.Request("producer"));

        var answer = await fixture.Client.CancelAnalysisAsync(finished.AnalysisId);

        Assert.Equal(AnalysisStatus.Succeeded, answer!.Status);
        Assert.Null(answer.CancelledAt);
        Assert.Equal(finished.Revision, answer.Revision);
        Assert.Null(await fixture.Client.CancelAnalysisAsync("0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public async Task A_task_waiting_for_a_retry_is_not_run_again_after_a_cancel()
    {
        var ticket = await fixture.Client.StartAnalysisAsync(fixture.Request("waits-an-hour"));
        using (var wait = new CancellationTokenSource(Bound))
            while ((await fixture.Client.GetAnalysisAsync(ticket.AnalysisId))!.Tasks.GetValueOrDefault("waits-an-hour")?.Status != AnalysisTaskStatus.RetryScheduled)
                await Task.Delay(50, wait.Token);

        await fixture.Client.CancelAnalysisAsync(ticket.AnalysisId);
        using var timeout = new CancellationTokenSource(Bound);
        var analysis = await fixture.Client.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);

        Assert.Equal(AnalysisStatus.Cancelled, analysis.Status);
        var task = analysis.Tasks["waits-an-hour"];
        Assert.Equal(AnalysisTaskStatus.Skipped, task.Status);
        Assert.Null(task.NextAttemptAt);
        Assert.Equal(1, task.Attempts);
    }
}
