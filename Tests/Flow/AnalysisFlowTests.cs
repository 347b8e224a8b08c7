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

    [Fact]
    public void Expired_lease_counts_as_a_lost_attempt()
    {
        var analysis = Start("child");
        flow.Advance(analysis, T0);
        var lease = analysis.Tasks["init"].LeaseExpiresAt!.Value;
        Assert.Equal(T0 + TimeSpan.FromMinutes(1) + Grace, lease);
        Assert.False(flow.ExpireLeases(analysis, lease));
        Assert.True(flow.ExpireLeases(analysis, lease.AddTicks(1)));
        Assert.Equal(AnalysisTaskStatus.RetryScheduled, analysis.Tasks["init"].Status);
        Assert.Equal("Cucos.WorkerLost", analysis.Tasks["init"].Error!.Type);
    }

    [Fact]
    public void An_attempt_whose_silo_died_is_tried_again_at_once_not_after_the_retry_back_off()
    {
        var analysis = Start("child");
        flow.Advance(analysis, T0);
        var init = analysis.Tasks["init"];
        init.RunningOn = "dead-silo";
        Assert.True(flow.ExpireLeases(analysis, T0, silo => silo == "dead-silo"));
        Assert.Equal(AnalysisTaskStatus.RetryScheduled, init.Status);
        Assert.Equal(T0 + AnalysisFlow.RedispatchDelay, init.NextAttemptAt);
        Assert.Equal(1, init.Attempts);
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
            init.RunningOn = $"silo-{death}";
            Assert.True(flow.ExpireLeases(analysis, now, silo => silo == $"silo-{death}"));
            Assert.Equal(death < deaths ? AnalysisTaskStatus.RetryScheduled : AnalysisTaskStatus.Failed, init.Status);
        }
        Assert.Equal(deaths, init.SiloLosses);
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
