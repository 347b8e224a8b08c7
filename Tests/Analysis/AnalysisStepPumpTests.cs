using System.Diagnostics.Metrics;
using Cucos.Grains.Analysis;
using Cucos.Grains.Flow;
using Cucos.Grains.Telemetry;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.State;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.Analysis;

/// <summary>
/// The analysis grain's step pump on fakes for storage, dispatch, wake-ups and clock: what is written when, what
/// shares a write, what callers hear. The fakes complete inline, so each test reads as a sequence of states.
/// </summary>
[Trait("Category", "Unit")]
public sealed class AnalysisStepPumpTests
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
    private sealed class One() : Named("one");
    private sealed class Two() : Named("two");

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>Storage, dispatch and wake-ups as the pump sees them, with a log of what happened in which order.</summary>
    private sealed class Effects : IAnalysisStepEffects
    {
        public AnalysisSnapshot? Analysis { get; set; }
        public List<string> Log { get; } = [];
        public List<long> WrittenRevisions { get; } = [];
        public List<string> FailedWrites { get; } = [];
        /// <summary>When set, the next write waits for this to complete (inline, on the releasing thread).</summary>
        public TaskCompletionSource? HoldNextWrite { get; set; }
        public TaskCompletionSource? HoldFinish { get; set; }
        public Exception? WriteError { get; set; }
        public HashSet<string> Refused { get; } = [];
        public Action? OnDispatch { get; set; }

        public async Task WriteStateAsync()
        {
            var hold = HoldNextWrite;
            HoldNextWrite = null;
            Log.Add($"write {Analysis!.Revision}: " + string.Join(",", Analysis.Tasks.Values
                .Where(t => t.Status == AnalysisTaskStatus.Running).Select(t => $"{t.Name}@{t.RunningOn}").Order()));
            if (hold is not null)
                await hold.Task;
            if (WriteError is not null)
                throw WriteError;
            WrittenRevisions.Add(Analysis.Revision);
        }

        public void WriteFailed(Exception exception) => FailedWrites.Add(exception.Message);

        public async Task FinishAsync(AnalysisSnapshot analysis, DateTimeOffset now)
        {
            Log.Add($"finish {analysis.Status}");
            if (HoldFinish is { } hold)
                await hold.Task;
        }

        public Task<IReadOnlyList<UndeliveredAttempt>> DispatchAsync(AnalysisSnapshot analysis, IReadOnlyList<AnalysisTask> ready)
        {
            if (ready.Count > 0)
                Log.Add("dispatch " + string.Join(",", ready.Select(t => $"{t.Name}#{t.Attempts}").Order()));
            OnDispatch?.Invoke();
            IReadOnlyList<UndeliveredAttempt> undelivered = [.. ready.Where(t => Refused.Contains(t.Name))
                .Select(t => new UndeliveredAttempt(t, new InvalidOperationException("silo stopping")))];
            return Task.FromResult(undelivered);
        }

        /// <summary>When set, the next wake-up registration waits for this to complete.</summary>
        public TaskCompletionSource? HoldNextArm { get; set; }

        public async Task ArmWakeUpsAsync(AnalysisSnapshot analysis, DateTimeOffset now)
        {
            Log.Add("arm");
            var hold = HoldNextArm;
            HoldNextArm = null;
            if (hold is not null)
                await hold.Task;
        }
    }

    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private const string Here = "silo-here";
    private readonly AnalysisFlow flow;
    private readonly CucosTelemetry telemetry;
    private readonly Effects effects = new();
    private readonly Clock clock = new(T0);
    private readonly AnalysisStepPump pump;

    public AnalysisStepPumpTests()
    {
        var provider = new ServiceCollection()
            .AddMetrics()
            .AddCucosTask<Init>().AddCucosTask<Finalize>().AddCucosTask<One>().AddCucosTask<Two>()
            .BuildServiceProvider();
        flow = new AnalysisFlow(provider.GetRequiredService<TaskRegistry>(), TimeSpan.FromMinutes(2));
        telemetry = new CucosTelemetry(provider.GetRequiredService<IMeterFactory>());
        pump = new AnalysisStepPump("a", Here, flow, effects, clock, telemetry);
    }

    // The pump's awaits must resume inline on the thread that completes a fake, not on the test framework's context.
    private static Task Inline(Action body) => Task.Run(body);

    private Task Start() => pump.ChangeAsync(now =>
    {
        if (effects.Analysis is not null)
            return false;
        effects.Analysis = flow.Create("a", new AnalysisRequest { Ecosystem = "test", Name = "n", Version = "1", Tasks = ["one", "two"] }, "/cache/a", now);
        return true;
    });

    private Task Report(string task, int attempt = 1) => pump.ChangeAsync(now =>
        flow.ApplyReport(effects.Analysis!, new AttemptReport { TaskName = task, Attempt = attempt, Outcome = AttemptOutcome.Succeeded, EndedAt = now }, now));

    private Task Wake() => pump.ChangeAsync(now => effects.Analysis is { IsFinished: false } a && flow.ExpireLeases(a, now), wake: true);

    [Fact]
    public Task A_step_writes_once_with_its_attempts_running_here_then_publishes_dispatches_and_arms() => Inline(() =>
    {
        var published = pump.Published;

        var started = Start();

        Assert.True(started.IsCompletedSuccessfully);
        Assert.True(published.IsCompletedSuccessfully);
        Assert.False(pump.IsStepping);
        Assert.Equal([$"write 1: init@{Here}", "dispatch init#1", "arm"], effects.Log);
        Assert.Equal(T0, effects.Analysis!.CreatedAt);
    });

    [Fact]
    public Task Changes_queued_while_a_write_is_in_flight_share_the_next_write() => Inline(() =>
    {
        Start();
        Report("init");
        effects.Log.Clear();
        var write = effects.HoldNextWrite = new TaskCompletionSource();
        var one = Report("one");

        Assert.True(pump.IsStepping);
        var two = Report("two");
        var tick = Wake();
        Assert.False(one.IsCompleted || two.IsCompleted || tick.IsCompleted);

        write.SetResult();

        Assert.True(one.IsCompletedSuccessfully && two.IsCompletedSuccessfully && tick.IsCompletedSuccessfully);
        // The held step (one succeeded), then one step and one write for the report and the tick that waited (finalize starts).
        Assert.Equal([$"write 3: two@{Here}", "arm", $"write 4: finalize@{Here}", "dispatch finalize#1", "arm"], effects.Log);
        Assert.Equal([1L, 2, 3, 4], effects.WrittenRevisions);
    });

    [Fact]
    public Task A_duplicated_report_or_a_quiet_tick_costs_no_write() => Inline(() =>
    {
        Start();
        Report("init");
        effects.Log.Clear();

        var duplicate = Report("init");
        var stale = Report("one", attempt: 7);
        Assert.True(duplicate.IsCompletedSuccessfully && stale.IsCompletedSuccessfully);
        Assert.Empty(effects.Log);

        // A tick that changes nothing still looks at the wake-ups, without writing.
        Assert.True(Wake().IsCompletedSuccessfully);
        Assert.Equal(["arm"], effects.Log);
        Assert.Equal([1L, 2], effects.WrittenRevisions);
    });

    [Fact]
    public Task A_quiet_tick_slow_to_register_its_wake_up_holds_no_reader() => Inline(() =>
    {
        Start();
        Report("init");
        var registration = effects.HoldNextArm = new TaskCompletionSource();

        var tick = Wake();
        var read = pump.WaitUntilStoredAsync();

        // Nothing of the tick is unstored, so a reader (an executor confirming its attempts) has its answer at once.
        Assert.False(tick.IsCompleted);
        Assert.False(pump.IsStepping);
        Assert.True(read.IsCompletedSuccessfully);
        registration.SetResult();
        Assert.True(tick.IsCompletedSuccessfully);
    });

    [Fact]
    public Task A_write_that_fails_wakes_the_readers_of_its_step_who_hear_the_activation_is_broken() => Inline(() =>
    {
        Start();
        effects.WriteError = new InvalidOperationException("database gone");
        var write = effects.HoldNextWrite = new TaskCompletionSource();
        var report = Report("init");
        var read = pump.WaitUntilStoredAsync();
        Assert.False(read.IsCompleted);

        write.SetResult();

        Assert.True(report.IsFaulted);
        // The signal resumes its waiters asynchronously; the bound only keeps a regression from hanging the run.
        var error = Assert.Throws<AggregateException>(() => read.Wait(TimeSpan.FromSeconds(30)));
        Assert.Contains("lost a write", error.InnerException!.Message);
    });

    [Fact]
    public Task A_write_that_fails_fails_its_whole_step_and_the_pump_takes_no_more() => Inline(() =>
    {
        Start();
        effects.WriteError = new InvalidOperationException("database gone");
        var write = effects.HoldNextWrite = new TaskCompletionSource();
        var report = Report("init");
        var queued = Report("init"); // queued behind the failing step

        write.SetResult();

        Assert.Equal("database gone", Assert.IsType<InvalidOperationException>(report.Exception!.InnerException).Message);
        Assert.True(queued.IsFaulted);
        Assert.Contains("lost a write", queued.Exception!.InnerException!.Message);
        Assert.Equal(["database gone"], effects.FailedWrites);
        Assert.True(pump.IsBroken);
        Assert.DoesNotContain(effects.Log, line => line.StartsWith("dispatch one", StringComparison.Ordinal));
        var late = Assert.Throws<InvalidOperationException>(() => { _ = pump.ChangeAsync(_ => true); });
        Assert.Contains("analysis a: this activation lost a write and is being replaced; try again.", late.Message);
    });

    [Fact]
    public Task An_attempt_not_handed_over_is_stored_again_for_a_redispatch_at_the_clocks_time() => Inline(() =>
    {
        Start();
        effects.Refused.Add("two");
        effects.OnDispatch = () => clock.Now = T0 + TimeSpan.FromSeconds(3);
        effects.Log.Clear();

        Report("init");

        var two = effects.Analysis!.Tasks["two"];
        Assert.Equal(AnalysisTaskStatus.RetryScheduled, two.Status);
        Assert.Equal(T0 + TimeSpan.FromSeconds(3) + AnalysisFlow.RedispatchDelay, two.NextAttemptAt);
        Assert.Equal([$"write 2: one@{Here},two@{Here}", "dispatch one#1,two#1", $"write 3: one@{Here}", "arm"], effects.Log);
    });

    [Fact]
    public Task A_finished_analysis_is_published_only_after_its_clean_up_and_dispatches_nothing() => Inline(() =>
    {
        Start();
        Report("init");
        Report("one");
        Report("two");
        effects.Log.Clear();
        var finish = effects.HoldFinish = new TaskCompletionSource();
        var published = pump.Published;

        var last = Report(CucosFlow.FinalizeTask);

        Assert.True(pump.IsStepping);
        Assert.False(published.IsCompleted);
        Assert.False(last.IsCompleted);
        finish.SetResult();

        Assert.True(published.IsCompletedSuccessfully && last.IsCompletedSuccessfully);
        Assert.False(pump.IsStepping);
        Assert.True(effects.Analysis!.IsFinished);
        Assert.Equal(["write 5: ", "finish Succeeded"], effects.Log);
    });
}
