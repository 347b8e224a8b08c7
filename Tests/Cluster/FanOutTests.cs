using Cucos.Grains;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.State;
using Cucos.Tests.Support;
using Cucos.Tests.TestTasks;

namespace Cucos.Tests.Cluster;

/// <summary>Fan-out and fan-in: the callback runs exactly once, after every child is final.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class FanOutTests(ClusterFixture fixture)
{
    private Task<int> FinalizeInvocations(string analysisId) =>
        fixture.Grains.GetGrain<ICallbackGrain>(GrainKeys.Callback(analysisId, CucosFlow.FinalizeTask)).GetInvocationCountAsync();

    [Fact]
    public async Task Callback_runs_once_after_all_children_reported()
    {
        var analysis = await fixture.RunAsync(fixture.Request("producer", "consumer", "flaky"));

        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        Assert.Equal(1, await FinalizeInvocations(analysis.AnalysisId));
        var finalize = analysis.Tasks[CucosFlow.FinalizeTask];
        Assert.Equal(1, finalize.Attempts);
        // The callback started only after the last child ended.
        var lastChildEnd = analysis.Tasks.Values.Where(t => t.Kind == AnalysisTaskKind.Task).Max(t => t.EndedAt);
        Assert.True(finalize.StartedAt >= lastChildEnd, $"finalize started {finalize.StartedAt:O}, before the last child ended {lastChildEnd:O}");
        Assert.NotNull(analysis.FinishedAt);
        Assert.Equal(4, analysis.Summary!.Value.GetProperty("succeeded").GetInt32());
    }

    [Fact]
    public async Task Callback_runs_once_when_children_fail()
    {
        var analysis = await fixture.RunAsync(fixture.Request("boom", "fatal", "needs-fatal", "producer"));

        Assert.Equal(AnalysisStatus.CompletedWithFailures, analysis.Status);
        Assert.Equal(1, await FinalizeInvocations(analysis.AnalysisId));
        var summary = analysis.Summary!.Value;
        Assert.Equal(2, summary.GetProperty("failed").GetInt32());
        Assert.Equal(1, summary.GetProperty("skipped").GetInt32());
        Assert.Equal(2, summary.GetProperty("succeeded").GetInt32()); // init and producer
    }

    [Fact]
    public async Task Duplicate_and_stale_reports_change_nothing()
    {
        var analysis = await fixture.RunAsync(fixture.Request("producer"));
        var grain = fixture.SiloGrains.GetGrain<IAnalysisGrain>(analysis.AnalysisId);
        var producer = analysis.Tasks["producer"];

        var duplicate = new AttemptReport
        {
            TaskName = "producer", Attempt = 1, Outcome = AttemptOutcome.Failed,
            Error = new TaskError { Type = "Test", Message = "late duplicate", At = DateTimeOffset.UtcNow },
        };
        await grain.ReportAsync([duplicate]);
        await grain.ReportAsync([duplicate with { Outcome = AttemptOutcome.Succeeded, Error = null }]);
        await grain.ReportAsync([duplicate with { TaskName = CucosFlow.FinalizeTask }]);
        await grain.ReportAsync([duplicate with { TaskName = "no-such-task" }]);

        var after = (await grain.GetAsync())!;
        Assert.Equal(analysis.Revision, after.Revision);
        Assert.Equal(AnalysisTaskStatus.Succeeded, after.Tasks["producer"].Status);
        Assert.Null(after.Tasks["producer"].Error);
        Assert.Equal(producer.EndedAt, after.Tasks["producer"].EndedAt);
        Assert.Equal(analysis.FinishedAt, after.FinishedAt);
        Assert.Equal(1, await FinalizeInvocations(analysis.AnalysisId));
    }

    [Fact]
    public async Task Duplicate_callback_invocation_is_ignored()
    {
        var analysis = await fixture.RunAsync(fixture.Request("producer"));
        var callback = fixture.SiloGrains.GetGrain<ICallbackGrain>(GrainKeys.Callback(analysis.AnalysisId, CucosFlow.FinalizeTask));

        _ = await callback.InvokeAsync(new TaskAttempt { AnalysisId = analysis.AnalysisId, TaskName = CucosFlow.FinalizeTask, Attempt = 1 });

        Assert.Equal(1, await callback.GetInvocationCountAsync());
    }

    [Fact]
    public async Task Two_hundred_children_each_report_and_both_callbacks_run_once()
    {
        var analysis = await fixture.RunAsync(fixture.Request("fan-out"));

        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        var children = analysis.Tasks.Values.Where(t => t.SpawnedBy == "fan-out" && t.Kind == AnalysisTaskKind.Task).ToArray();
        Assert.Equal(200, children.Length);
        Assert.All(children, c => Assert.Equal(AnalysisTaskStatus.Succeeded, c.Status));
        Assert.Equal(1, TestTaskLog.CallbackRuns[analysis.AnalysisId]);
        var callback = (await fixture.Client.GetResultAsync(analysis.AnalysisId, "count-callback"))!.Value;
        Assert.Equal(0, callback.GetProperty("summary").GetProperty("children_not_final").GetInt32());
        Assert.Equal(1, await FinalizeInvocations(analysis.AnalysisId));
        Assert.Equal(203, analysis.Summary!.Value.GetProperty("tasks").GetInt32()); // init, fan-out, 200 children, count-callback
        foreach (var name in new[] { "noop-000", "noop-199" })
            Assert.Equal(name, (await fixture.Client.GetResultAsync(analysis.AnalysisId, name))!.Value.GetProperty("summary").GetProperty("task").GetString());
    }
}
