using Cucos.Grains.Flow;
using Cucos.Grains.Packages;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.State;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.Flow;

/// <summary>The flow's rules, step by step, on the pure state machine.</summary>
[Trait("Category", "Unit")]
public sealed class AnalysisFlowTests
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

    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);
    private readonly AnalysisFlow flow;
    private readonly TaskRegistry registry;

    public AnalysisFlowTests()
    {
        var provider = new ServiceCollection()
            .AddCucosTask<Init>().AddCucosTask<Finalize>().AddCucosTask<Parent>().AddCucosTask<Child>().AddCucosTask<Dependent>()
            .BuildServiceProvider();
        registry = provider.GetRequiredService<TaskRegistry>();
        flow = new AnalysisFlow(registry, Grace);
    }

    private AnalysisSnapshot Start(params string[] tasks) => flow.Create("a", new AnalysisRequest
    {
        Ecosystem = "test", Name = "n", Version = "1", Tasks = tasks,
    }, "/cache/a", T0);

    private static AttemptReport Ok(string task, int attempt = 1) => new() { TaskName = task, Attempt = attempt, Outcome = AttemptOutcome.Succeeded, EndedAt = T0 };

    private static AttemptReport Failed(string task, int attempt = 1, bool fatal = false) => new()
    {
        TaskName = task, Attempt = attempt, Outcome = AttemptOutcome.Failed,
        Error = new TaskError { Type = "E", Message = "m", Fatal = fatal, Attempt = attempt, At = T0 },
    };

    private static string[] Names(IEnumerable<AnalysisTask> runs) => [.. runs.Select(r => r.Name).Order()];

    [Fact]
    public void Root_runs_first_then_its_children_then_the_callback_after_the_whole_subtree()
    {
        var analysis = Start("parent", "dependent");
        Assert.Equal(["init"], Names(flow.Advance(analysis, T0)));
        Assert.True(flow.ApplyReport(analysis, Ok("init"), T0));
        // 'dependent' needs 'child', which joins the flow as a sibling since nothing spawned it yet.
        Assert.Equal(["child", "parent"], Names(flow.Advance(analysis, T0)));
        Assert.True(flow.ApplyReport(analysis, Ok("parent"), T0));
        Assert.Empty(flow.Advance(analysis, T0)); // child is already running
        Assert.True(flow.ApplyReport(analysis, Ok("child"), T0));
        Assert.Equal(["dependent"], Names(flow.Advance(analysis, T0)));
        Assert.False(flow.TryFinish(analysis, T0));
        Assert.True(flow.ApplyReport(analysis, Ok("dependent"), T0));
        Assert.Equal(["finalize"], Names(flow.Advance(analysis, T0)));
        Assert.True(flow.ApplyReport(analysis, Ok("finalize"), T0));
        Assert.True(flow.TryFinish(analysis, T0));
        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
    }

    [Fact]
    public void Duplicate_and_stale_reports_are_refused()
    {
        var analysis = Start("child");
        flow.Advance(analysis, T0);
        Assert.False(flow.ApplyReport(analysis, Ok("init", attempt: 2), T0)); // not this attempt
        Assert.True(flow.ApplyReport(analysis, Ok("init"), T0));
        Assert.False(flow.ApplyReport(analysis, Ok("init"), T0)); // duplicate
        Assert.False(flow.ApplyReport(analysis, Failed("init"), T0)); // late contradiction
        Assert.False(flow.ApplyReport(analysis, Ok("child"), T0)); // not running yet
        Assert.Equal(AnalysisTaskStatus.Succeeded, analysis.Tasks["init"].Status);
    }

    [Fact]
    public void A_retry_a_task_asks_for_is_kept_but_never_later_than_the_policy_allows()
    {
        var analysis = Start("child");
        flow.Advance(analysis, T0);
        flow.ApplyReport(analysis, Ok("init"), T0);
        flow.Advance(analysis, T0);

        // A registry's Retry-After of 2147483647 seconds: 68 years, unless cut.
        Assert.True(flow.ApplyReport(analysis, Failed("child") with { Outcome = AttemptOutcome.RetryRequested, RetryAfter = TimeSpan.FromSeconds(int.MaxValue) }, T0));

        Assert.Equal(AnalysisTaskStatus.RetryScheduled, analysis.Tasks["child"].Status);
        Assert.Equal(T0 + new RetryPolicy(2, TimeSpan.Zero, 1, TimeSpan.Zero).MaxRequestedDelay, analysis.Tasks["child"].NextAttemptAt);
        Assert.Equal(TimeSpan.FromMinutes(3), RetryPolicy.Default.DelayBefore(2, TimeSpan.FromMinutes(3)));
    }

    [Fact]
    public void Failure_schedules_a_retry_then_fails_at_max_attempts_and_skips_dependents()
    {
        var analysis = Start("dependent");
        flow.Advance(analysis, T0);
        flow.ApplyReport(analysis, Ok("init"), T0);
        flow.Advance(analysis, T0);

        Assert.True(flow.ApplyReport(analysis, Failed("child"), T0));
        Assert.Equal(AnalysisTaskStatus.RetryScheduled, analysis.Tasks["child"].Status);
        Assert.Equal(T0.AddSeconds(10), analysis.Tasks["child"].NextAttemptAt);
        Assert.Equal(T0.AddSeconds(10), AnalysisFlow.NextDeadline(analysis));
        Assert.Empty(flow.Advance(analysis, T0.AddSeconds(9)));
        Assert.Equal(["child"], Names(flow.Advance(analysis, T0.AddSeconds(10))));

        Assert.True(flow.ApplyReport(analysis, Failed("child", attempt: 2), T0));
        Assert.Equal(AnalysisTaskStatus.Failed, analysis.Tasks["child"].Status);
        Assert.Equal(["finalize"], Names(flow.Advance(analysis, T0)));
        Assert.Equal(AnalysisTaskStatus.Skipped, analysis.Tasks["dependent"].Status);
        Assert.Equal("'child' failed, and this task needs it.", analysis.Tasks["dependent"].SkipReason);
    }

    [Fact]
    public void Fatal_failure_of_init_fails_the_analysis_without_spawning_children()
    {
        var analysis = Start("parent");
        flow.Advance(analysis, T0);
        flow.ApplyReport(analysis, Failed("init", fatal: true), T0);
        Assert.Equal(["finalize"], Names(flow.Advance(analysis, T0)));
        flow.ApplyReport(analysis, Ok("finalize"), T0);
        Assert.True(flow.TryFinish(analysis, T0));
        Assert.Equal(AnalysisStatus.Failed, analysis.Status);
        Assert.False(analysis.Tasks.ContainsKey("parent"));
    }

    /// <summary>The executor's word that the attempt left its silo's queue, as <c>AttemptStartingAsync</c> gives it.</summary>
    private bool MarkStarted(AnalysisSnapshot analysis, string task, DateTimeOffset at) =>
        flow.AttemptStarted(analysis, task, analysis.Tasks[task].Attempts, at, out _);

    [Fact]
    public void Expired_lease_counts_as_a_lost_attempt()
    {
        var analysis = Start("child");
        flow.Advance(analysis, T0);
        Assert.True(MarkStarted(analysis, "init", T0));
        var lease = analysis.Tasks["init"].LeaseExpiresAt!.Value;
        Assert.Equal(T0 + TimeSpan.FromMinutes(1) + Grace, lease);
        Assert.False(flow.ExpireLeases(analysis, lease));
        Assert.True(flow.ExpireLeases(analysis, lease.AddTicks(1)));
        var init = analysis.Tasks["init"];
        Assert.Equal(AnalysisTaskStatus.RetryScheduled, init.Status);
        Assert.Equal("Cucos.WorkerLost", init.Error!.Type);
        Assert.Contains("presumed lost", init.Error.Message);
        // A started attempt that went silent is the task's own failure: the retry waits for the policy's back-off.
        Assert.Equal(lease.AddTicks(1) + TimeSpan.FromSeconds(10), init.NextAttemptAt);
        Assert.Equal((0, 0), (init.SiloLosses, init.QueuedLosses));
    }

    [Fact]
    public void An_attempt_whose_silo_died_is_tried_again_at_once_not_after_the_retry_back_off()
    {
        var analysis = Start("child");
        flow.Advance(analysis, T0);
        var init = analysis.Tasks["init"];
        Assert.True(MarkStarted(analysis, "init", T0));
        init.RunningOn = "dead-silo";
        Assert.True(flow.ExpireLeases(analysis, T0, silo => silo == "dead-silo"));
        Assert.Equal(AnalysisTaskStatus.RetryScheduled, init.Status);
        Assert.Equal(T0 + AnalysisFlow.RedispatchDelay, init.NextAttemptAt);
        Assert.Equal(1, init.Attempts);
        Assert.Equal((1, 0), (init.SiloLosses, init.QueuedLosses));
    }

    [Fact]
    public void The_first_silo_deaths_of_a_task_do_not_count_against_its_retry_policy_but_later_ones_do()
    {
        // init's policy allows 2 attempts: 3 forgiven silo deaths, then 2 counted ones.
        var analysis = Start("child");
        var init = analysis.Tasks["init"];
        var deaths = AnalysisFlow.ForgivenSiloLosses + init.MaxAttempts;
        for (var death = 1; death <= deaths; death++)
        {
            var now = T0 + TimeSpan.FromSeconds(10 * death);
            Assert.Equal([init], flow.Advance(analysis, now));
            Assert.True(MarkStarted(analysis, "init", now));
            init.RunningOn = $"silo-{death}";
            Assert.True(flow.ExpireLeases(analysis, now, silo => silo == $"silo-{death}"));
            Assert.Equal(death < deaths ? AnalysisTaskStatus.RetryScheduled : AnalysisTaskStatus.Failed, init.Status);
        }
        Assert.Equal(deaths, init.SiloLosses);
        Assert.Equal(0, init.QueuedLosses);
    }

    [Fact]
    public void Attempts_lost_with_their_silo_before_they_started_count_only_past_a_cap_of_their_own()
    {
        // The soak run's 62 failures: attempts only ever queued on silos that were killed used up the policy.
        var analysis = Start("child");
        var init = analysis.Tasks["init"];
        var deaths = AnalysisFlow.ForgivenQueuedLosses + init.MaxAttempts;
        for (var death = 1; death <= deaths; death++)
        {
            var now = T0 + TimeSpan.FromSeconds(10 * death);
            Assert.Equal([init], flow.Advance(analysis, now));
            init.RunningOn = $"silo-{death}";
            Assert.True(flow.ExpireLeases(analysis, now, silo => silo == $"silo-{death}"));
            Assert.Equal(death < deaths ? AnalysisTaskStatus.RetryScheduled : AnalysisTaskStatus.Failed, init.Status);
            if (death < deaths)
                Assert.Equal(now + AnalysisFlow.RedispatchDelay, init.NextAttemptAt);
            Assert.Contains("waited for a task slot; it never started", init.Error!.Message);
        }
        Assert.Equal((0, deaths), (init.SiloLosses, init.QueuedLosses));
    }

    [Fact]
    public void The_lease_of_an_attempt_runs_from_its_start_so_time_in_the_queue_is_not_taken_from_its_timeout()
    {
        var analysis = Start("child");
        flow.Advance(analysis, T0);
        var init = analysis.Tasks["init"];
        var dispatchLease = init.LeaseExpiresAt!.Value;
        var startedAt = T0 + TimeSpan.FromMinutes(2);
        Assert.True(MarkStarted(analysis, "init", startedAt));
        Assert.Equal(startedAt, init.AttemptStartedAt);
        Assert.Equal(startedAt + TimeSpan.FromMinutes(1) + Grace, init.LeaseExpiresAt);
        Assert.False(flow.ExpireLeases(analysis, dispatchLease.AddTicks(1)));
        // A repeated announcement (a retried call) changes nothing.
        Assert.True(MarkStarted(analysis, "init", startedAt + TimeSpan.FromMinutes(1)));
        Assert.Equal(startedAt, init.AttemptStartedAt);
        Assert.Equal(AnalysisTaskStatus.Running, init.Status);
    }

    [Fact]
    public void An_attempt_whose_lease_ran_out_before_it_started_is_a_queued_loss_dispatched_again_at_once()
    {
        var analysis = Start("child");
        flow.Advance(analysis, T0);
        var init = analysis.Tasks["init"];
        var expired = init.LeaseExpiresAt!.Value.AddTicks(1);
        Assert.True(flow.ExpireLeases(analysis, expired));
        Assert.Equal(AnalysisTaskStatus.RetryScheduled, init.Status);
        Assert.Equal(expired + AnalysisFlow.RedispatchDelay, init.NextAttemptAt);
        Assert.Equal((0, 1), (init.SiloLosses, init.QueuedLosses));
        Assert.Contains("had not started when its lease ran out", init.Error!.Message);
        // The old attempt leaves the queue late: it is stale, and may not start.
        Assert.False(flow.AttemptStarted(analysis, "init", 1, expired, out _));
        Assert.Null(init.AttemptStartedAt);
    }

    [Fact]
    public void An_unstarted_attempt_its_silo_still_holds_keeps_its_place_when_its_lease_runs_out()
    {
        var analysis = Start("child");
        flow.Advance(analysis, T0);
        var init = analysis.Tasks["init"];
        var expired = init.LeaseExpiresAt!.Value.AddTicks(1);
        Assert.False(flow.ExpireLeases(analysis, expired, heldBySilo: run => run.Name == "init"));
        Assert.Equal(AnalysisTaskStatus.Running, init.Status);
        Assert.Equal(expired + TimeSpan.FromMinutes(1) + Grace, init.LeaseExpiresAt);
        Assert.Equal(0, init.QueuedLosses);
        // Once started, a lease that runs out is the worker's to answer for, held or not.
        Assert.True(MarkStarted(analysis, "init", expired));
        Assert.True(flow.ExpireLeases(analysis, init.LeaseExpiresAt!.Value.AddTicks(1), heldBySilo: _ => true));
        Assert.Equal(AnalysisTaskStatus.RetryScheduled, init.Status);
    }

    [Fact]
    public void A_start_must_be_stored_before_the_attempt_runs_once_the_task_has_been_lost_with_a_silo()
    {
        var analysis = Start("child");
        var init = analysis.Tasks["init"];
        flow.Advance(analysis, T0);
        Assert.True(flow.AttemptStarted(analysis, "init", 1, T0, out var mustStore));
        Assert.False(mustStore);
        init.RunningOn = "silo-1";
        flow.ExpireLeases(analysis, T0, silo => silo == "silo-1");

        var later = T0 + TimeSpan.FromSeconds(5);
        flow.Advance(analysis, later);
        Assert.Null(init.AttemptStartedAt);
        Assert.True(flow.AttemptStarted(analysis, "init", 2, later, out mustStore));
        Assert.True(mustStore);
    }

    [Fact]
    public void A_callback_lost_with_its_silo_is_a_silo_loss_as_callbacks_never_wait_for_a_slot()
    {
        var analysis = Start("child");
        flow.Advance(analysis, T0);
        Assert.True(flow.ApplyReport(analysis, Ok("init"), T0));
        flow.Advance(analysis, T0);
        Assert.True(flow.ApplyReport(analysis, Ok("child"), T0));
        Assert.Equal([CucosFlow.FinalizeTask], Names(flow.Advance(analysis, T0)));
        var finalize = analysis.Tasks[CucosFlow.FinalizeTask];
        finalize.RunningOn = "silo-1";
        Assert.True(flow.ExpireLeases(analysis, T0, silo => silo == "silo-1"));
        Assert.Equal((1, 0), (finalize.SiloLosses, finalize.QueuedLosses));
    }

    [Fact]
    public void Unknown_tasks_in_a_request_are_refused_before_anything_starts()
    {
        // The flow trusts its requests: the package analysis grain validates them where they enter the cluster.
        var validator = new AnalysisRequestValidator(registry);
        var request = new AnalysisRequest { Ecosystem = "test", Name = "n", Version = "1", Tasks = ["child", "nope"] };
        var error = Assert.Throws<InvalidAnalysisRequestException>(() => validator.ThrowIfInvalid(request));
        Assert.Contains("unknown task(s): nope", error.Message);
    }
}
