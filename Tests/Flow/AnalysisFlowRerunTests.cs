using Cucos.Grains.Flow;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.State;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.Flow;

/// <summary>Re-running one task of a finished analysis, on the pure state machine.</summary>
[Trait("Category", "Unit")]
public sealed class AnalysisFlowRerunTests
{
    private abstract class Named(string name) : BaseTask
    {
        public override string Name => name;
        public override string Description => name;
        public override bool InDefaultFlow => false;
        public override RetryPolicy RetryPolicy => new(2, TimeSpan.FromSeconds(10), 1, TimeSpan.FromSeconds(10));
        public override TimeSpan Timeout => TimeSpan.FromMinutes(1);
        public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) =>
            Task.FromResult(TaskResult.Success(null));
    }

    private sealed class Init() : Named(CucosFlow.RootTask) { public override string? CallbackTask => CucosFlow.FinalizeTask; }
    private sealed class Finalize() : Named(CucosFlow.FinalizeTask);
    private sealed class Parent() : Named("parent") { public override IReadOnlyList<string> ChildTasks => ["child"]; }
    private sealed class Child() : Named("child");
    private sealed class Dependent() : Named("dependent") { public override IReadOnlyList<string> DependsOn => ["child"]; }
    private sealed class Alone() : Named("alone");

    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddHours(1);
    private readonly AnalysisFlow flow;

    public AnalysisFlowRerunTests()
    {
        var provider = new ServiceCollection()
            .AddCucosTask<Init>().AddCucosTask<Finalize>().AddCucosTask<Parent>().AddCucosTask<Child>()
            .AddCucosTask<Dependent>().AddCucosTask<Alone>()
            .BuildServiceProvider();
        flow = new AnalysisFlow(provider.GetRequiredService<TaskRegistry>(), TimeSpan.FromMinutes(2));
    }

    private static AttemptReport Ok(string task, int attempt) => new() { TaskName = task, Attempt = attempt, Outcome = AttemptOutcome.Succeeded, EndedAt = T0 };

    private static AttemptReport Failed(string task, int attempt) => new()
    {
        TaskName = task, Attempt = attempt, Outcome = AttemptOutcome.Failed,
        Error = new TaskError { Type = "E", Message = "m", Attempt = attempt, At = T0 },
    };

    /// <summary>Runs every ready task to success (or failure, for those named) until the analysis finishes.</summary>
    private void RunToEnd(AnalysisSnapshot analysis, DateTimeOffset now, params string[] failing)
    {
        for (var steps = 0; !flow.TryFinish(analysis, now); steps++)
        {
            Assert.True(steps < 50, "the analysis never finished");
            var ready = flow.Advance(analysis, now);
            foreach (var run in analysis.Tasks.Values.Where(r => r.Status == AnalysisTaskStatus.RetryScheduled))
                run.NextAttemptAt = now; // due at once: this test is about the flow, not the back-off
            foreach (var run in ready)
                flow.ApplyReport(analysis, failing.Contains(run.Name) ? Failed(run.Name, run.Attempts) : Ok(run.Name, run.Attempts), now);
        }
    }

    private AnalysisSnapshot Finished(params string[] tasks)
    {
        var analysis = flow.Create("a", new AnalysisRequest { Ecosystem = "test", Name = "n", Version = "1", Tasks = tasks }, "/cache/a", T0);
        RunToEnd(analysis, T0);
        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        return analysis;
    }

    [Fact]
    public void A_rerun_resets_the_task_what_it_spawned_and_the_callbacks_above_but_nothing_else()
    {
        var analysis = Finished("parent", "alone");

        var (rerun, started) = AnalysisFlow.Rerun(analysis, "parent", "advisories changed", "tester", T1);

        Assert.True(started);
        Assert.Equal(["child", "finalize", "parent"], rerun.Tasks);
        Assert.Equal(AnalysisStatus.Running, analysis.Status);
        Assert.Null(analysis.FinishedAt);
        Assert.Equal(AnalysisTaskStatus.Succeeded, analysis.Tasks["alone"].Status);
        Assert.Equal(AnalysisTaskStatus.Succeeded, analysis.Tasks["init"].Status);
        Assert.All(rerun.Tasks, name => Assert.Equal(AnalysisTaskStatus.Pending, analysis.Tasks[name].Status));

        // Only the re-run task starts first; its children wait for it, the callback for the whole subtree.
        Assert.Equal(["parent"], flow.Advance(analysis, T1).Select(r => r.Name));
        Assert.Equal(2, analysis.Tasks["parent"].Attempts);
        Assert.False(flow.ApplyReport(analysis, Ok("parent", attempt: 1), T1)); // a late report of the first attempt stays stale
        Assert.True(flow.ApplyReport(analysis, Ok("parent", attempt: 2), T1));
        RunToEnd(analysis, T1);

        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        Assert.Equal(T1, analysis.FinishedAt);
        Assert.Equal(2, analysis.Tasks["finalize"].Attempts);
        Assert.Equal(2, analysis.Tasks["child"].Attempts);
        Assert.Equal(1, analysis.Tasks["alone"].Attempts);
        Assert.Equal(T1, rerun.FinishedAt);
        Assert.Equal(AnalysisStatus.Succeeded, rerun.Status);
        Assert.Equal(AnalysisStatus.Succeeded, rerun.PreviousStatus);
        Assert.Same(rerun, Assert.Single(analysis.Reruns));
        Assert.Equal(("advisories changed", "tester", T1), (rerun.Reason, rerun.RequestedBy, rerun.RequestedAt));
    }

    [Fact]
    public void A_duplicate_call_while_the_rerun_is_pending_changes_nothing_and_another_task_is_refused()
    {
        var analysis = Finished("parent", "alone");
        var (first, _) = AnalysisFlow.Rerun(analysis, "parent", "why", "tester", T1);
        flow.Advance(analysis, T1);
        var revisionOfTasks = analysis.Tasks.Values.Select(r => (r.Name, r.Status, r.Attempts)).ToList();

        var (again, started) = AnalysisFlow.Rerun(analysis, "parent", "why", "tester", T1.AddSeconds(1));
        var (child, childStarted) = AnalysisFlow.Rerun(analysis, "child", "why", "tester", T1.AddSeconds(1));

        Assert.False(started);
        Assert.False(childStarted); // part of the pending re-run
        Assert.Same(first, again);
        Assert.Same(first, child);
        Assert.Single(analysis.Reruns);
        Assert.Equal(revisionOfTasks, analysis.Tasks.Values.Select(r => (r.Name, r.Status, r.Attempts)).ToList());
        var refused = Assert.Throws<TaskRerunRefusedException>(() => AnalysisFlow.Rerun(analysis, "alone", "why", "tester", T1));
        Assert.Equal(TaskRerunRefusal.AnalysisNotFinished, refused.Refusal);
        Assert.Contains("re-running 'parent'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rerun_gets_the_whole_retry_policy_again_and_keeps_the_earlier_errors()
    {
        var analysis = flow.Create("a", new AnalysisRequest { Ecosystem = "test", Name = "n", Version = "1", Tasks = ["alone"] }, "/cache/a", T0);
        RunToEnd(analysis, T0, failing: "alone");
        Assert.Equal(AnalysisStatus.CompletedWithFailures, analysis.Status);
        Assert.Equal(2, analysis.Tasks["alone"].Attempts);

        AnalysisFlow.Rerun(analysis, "alone", "flaky upstream fixed", "tester", T1);
        var first = Assert.Single(flow.Advance(analysis, T1));
        Assert.True(flow.ApplyReport(analysis, Failed("alone", first.Attempts), T1));

        // One failure after the re-run is the first of two allowed, not the third of two.
        Assert.Equal(AnalysisTaskStatus.RetryScheduled, analysis.Tasks["alone"].Status);
        Assert.Equal(T1.AddSeconds(10), analysis.Tasks["alone"].NextAttemptAt);
        Assert.Equal(2, analysis.Tasks["alone"].PastErrors.Count);
        RunToEnd(analysis, T1.AddSeconds(10));
        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        Assert.Equal(4, analysis.Tasks["alone"].Attempts);
    }

    [Fact]
    public void Refusals_say_what_was_wrong_and_what_to_do()
    {
        var running = flow.Create("a", new AnalysisRequest { Ecosystem = "test", Name = "n", Version = "1", Tasks = ["alone"] }, "/cache/a", T0);
        Assert.Equal(TaskRerunRefusal.AnalysisNotFinished,
            Assert.Throws<TaskRerunRefusedException>(() => AnalysisFlow.Rerun(running, "init", "why", "t", T0)).Refusal);

        var analysis = Finished("alone");
        var unknown = Assert.Throws<TaskRerunRefusedException>(() => AnalysisFlow.Rerun(analysis, "nope", "why", "t", T1));
        Assert.Equal(TaskRerunRefusal.UnknownTask, unknown.Refusal);
        Assert.Contains("no task 'nope'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("alone, finalize, init", unknown.Message, StringComparison.Ordinal);
        var callback = Assert.Throws<TaskRerunRefusedException>(() => AnalysisFlow.Rerun(analysis, "finalize", "why", "t", T1));
        Assert.Equal(TaskRerunRefusal.CallbackTask, callback.Refusal);
        Assert.Empty(analysis.Reruns);
        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
    }

    [Fact]
    public void A_task_whose_prerequisite_failed_is_refused_naming_the_prerequisite()
    {
        var analysis = flow.Create("a", new AnalysisRequest { Ecosystem = "test", Name = "n", Version = "1", Tasks = ["dependent"] }, "/cache/a", T0);
        RunToEnd(analysis, T0, failing: "child");
        Assert.Equal(AnalysisTaskStatus.Skipped, analysis.Tasks["dependent"].Status);

        var refused = Assert.Throws<TaskRerunRefusedException>(() => AnalysisFlow.Rerun(analysis, "dependent", "why", "t", T1));

        Assert.Equal(TaskRerunRefusal.PrerequisiteNotSucceeded, refused.Refusal);
        Assert.Contains("re-run 'child' instead", refused.Message, StringComparison.Ordinal);
        // Re-running the prerequisite brings what depends on it back too.
        Assert.Equal(["child", "dependent", "finalize"], AnalysisFlow.Rerun(analysis, "child", "why", "t", T1).Rerun.Tasks);
        RunToEnd(analysis, T1);
        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        Assert.Null(analysis.Tasks["dependent"].SkipReason);
    }
}
