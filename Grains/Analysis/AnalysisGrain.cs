using Cucos.Grains.Execution;
using Cucos.Grains.Flow;
using Cucos.Grains.Hosting;
using Cucos.Grains.Listing;
using Cucos.Grains.Packages;
using Cucos.Grains.Telemetry;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Hosting;

namespace Cucos.Grains.Analysis;

[GenerateSerializer, Alias("cucos.AnalysisGrainState")]
public sealed record AnalysisGrainState
{
    /// <summary>Null until the analysis is started.</summary>
    [Id(0)] public AnalysisSnapshot? Analysis { get; set; }
}

/// <summary>
/// Coordinates one analysis: runs init, fans out the workers, collects their reports, runs the callback once every
/// task is final. A reminder (the watchdog) keeps it alive across silo restarts until it finishes: it fires due
/// retries and re-runs attempts whose worker was lost. Every step is idempotent, so a duplicated tick or report is harmless.
/// </summary>
/// <remarks>
/// The grain is I/O glue. <see cref="AnalysisFlow"/> holds the rules, <see cref="AnalysisStepPump"/> the order of a
/// step (queued changes, one write, publish, dispatch), <see cref="WakeUpPlan"/> when to wake up and by what; the
/// grain stores the state, registers the reminder and timer, hands attempts over and deletes the cache folder.
/// </remarks>
[Reentrant]
public sealed class AnalysisGrain(
    [PersistentState(StateNames.Analysis, StateNames.StorageProvider)] IPersistentState<AnalysisGrainState> state,
    AnalysisFlow flow,
    IOptions<CucosSiloOptions> options,
    IOptions<ReminderOptions> reminderOptions,
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    ILogger<AnalysisGrain> logger,
    CucosTelemetry telemetry,
    AnalysisRequestValidator validator,
    IAnalysisIndexSink index,
    TaskExecutor executor)
    : Grain, IAnalysisGrain, IRemindable, IAnalysisStepEffects
{
    private const string WakeReminder = "cucos-wake";
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long a hand-over or a reminder registration may hold the analysis' steps. Either can hang for the whole
    /// response timeout, or longer through placement retries, while the cluster finds out that a silo died, and every
    /// report and tick queues behind it. A hand-over that took longer is treated as not delivered (the attempt goes out
    /// again under a new number, and the late one is not confirmed); a registration, as not made (a timer stands in).
    /// </summary>
    internal static readonly TimeSpan EffectTimeout = TimeSpan.FromSeconds(10);

    private AnalysisStepPump? pump;
    private WakeUpPlan? wakeUpPlan;
    private IGrainReminder? reminder;
    private IGrainTimer? retryTimer;
    private ILogger? scopedLog;

    private AnalysisSnapshot? Analysis => state.State.Analysis;
    private string AnalysisId => this.GetPrimaryKeyString();
    private AnalysisStepPump Pump => pump ??= new(AnalysisId, localSilo.SiloAddress.ToParsableString(), flow, this, TimeProvider.System, telemetry);
    private WakeUpPlan Plan => wakeUpPlan ??= new(WakeUpPlan.WatchdogPeriodFor(options.Value.WatchdogInterval, reminderOptions.Value.MinimumReminderPeriod));
    // Every line this grain writes carries the AnalysisId in its scope.
    private ILogger Log => scopedLog ??= new ScopedLogger(logger, LogScope.ForAnalysis(AnalysisId));

    AnalysisSnapshot? IAnalysisStepEffects.Analysis => Analysis;

    /// <summary>
    /// An unfinished analysis activated afresh has usually lost the silo it ran on: it looks at its leases at once
    /// rather than at its reminder's next tick, and that first step registers its wake-ups again, in case the reminder
    /// was lost too.
    /// </summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Analysis is { IsFinished: false })
            this.RegisterGrainTimer(
                () => Analysis is { IsFinished: false } ? WakeAsync() : Task.CompletedTask,
                new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan });
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task<AnalysisSnapshot> StartAsync(AnalysisRequest request)
    {
        // The package grain checked it already; checked again because a grain takes nothing on trust from its caller.
        validator.ThrowIfInvalid(request);
        if (Analysis is null && Plan.ReminderNextTick is null)
            await RegisterWatchdogBeforeFirstWriteAsync();
        var created = false;
        await Pump.ChangeAsync(now =>
        {
            if (Analysis is not null)
                return false;
            state.State.Analysis = flow.Create(AnalysisId, request, AnalysisCache.PathFor(options.Value.CacheRoot, request.ToRequestView(), AnalysisId), now);
            Log.AnalysisStarted(AnalysisId, request.Release);
            created = true;
            return true;
        });
        // Counted once its first step is stored: a failed write throws above, and the retry creates it afresh.
        if (created)
        {
            telemetry.AnalysisStarted();
            await index.RecordAsync(AnalysisListEntry.From(Analysis!));
        }
        return Analysis!;
    }

    public Task ReportAsync(AttemptReport[] reports) => Pump.ChangeAsync(now =>
    {
        var changedState = false;
        foreach (var report in reports)
        {
            if (Analysis is not { } analysis)
                Log.ReportForUnknownAnalysis(report.TaskName, AnalysisId);
            else if (flow.ApplyReport(analysis, report, now))
                changedState = true;
            else
                Log.StaleReportIgnored(report.TaskName, report.Attempt);
        }
        return changedState;
    });

    public async Task<TaskRerunResult> RerunTaskAsync(string taskName, string reason, string? requestedBy = null)
    {
        if (string.IsNullOrWhiteSpace(taskName) || string.IsNullOrWhiteSpace(reason))
            throw new TaskRerunRefusedException(TaskRerunRefusal.InvalidArgument,
                "a re-run needs the task's name and a reason (kept in the analysis' audit trail).");
        TaskRerun? rerun = null;
        var started = false;
        TaskRerunRefusedException? refused = null;
        // Looked at before the step, off the pump's state: the folder is this silo's, where the attempts run.
        var packageRemoved = Analysis is { } known
            && !Directory.Exists(AnalysisCache.Layout(AnalysisCache.PathFor(options.Value.CacheRoot, known.Request.ToRequestView(), AnalysisId)).PackagePath);
        // Decided inside the step, against the state as the pump has it: a refusal must not fail the other changes of the batch.
        await Pump.ChangeAsync(now =>
        {
            if (Analysis is not { } analysis)
            {
                refused = new(TaskRerunRefusal.AnalysisNotFound, $"no analysis has the id {AnalysisId}.");
                return false;
            }
            try
            {
                (rerun, started) = AnalysisFlow.Rerun(analysis, taskName, reason.Trim(), string.IsNullOrWhiteSpace(requestedBy) ? "unknown" : requestedBy.Trim(), now,
                    packageRemoved ? flow.ReadsPackageFiles : null);
            }
            catch (TaskRerunRefusedException exception)
            {
                refused = exception;
                return false;
            }
            if (started)
                Log.TaskRerun(taskName, AnalysisId, rerun.Reason);
            return started;
        });
        if (refused is not null)
            throw refused;
        return new TaskRerunResult
        {
            AnalysisId = AnalysisId,
            Outcome = started ? TaskRerunOutcome.Started : TaskRerunOutcome.AlreadyPending,
            Rerun = rerun!,
            Revision = Analysis!.Revision,
        };
    }

    public async Task<DispatchedAttempts?> ConfirmDispatchedAsync(TaskAttempt[] attempts, TaskAttempt[] starting)
    {
        // Attempts are dispatched after their step is stored, so a stored state answers for every real one.
        await Pump.WaitUntilStoredAsync();
        if (Analysis is not { } analysis)
            return null;
        var confirmed = attempts.Where(attempt => attempt.AnalysisId == AnalysisId
            && AnalysisFlow.RunningAttempt(analysis, attempt.TaskName, attempt.Attempt) is not null).ToArray();
        var request = analysis.Request;
        var tasks = confirmed.Any(attempt => analysis.Tasks[attempt.TaskName].Kind == AnalysisTaskKind.Callback) ? analysis.Tasks : null;
        // Marked after the answer is put together: a mark that must be stored first lets other steps run meanwhile.
        await MarkStartedAsync(confirmed.Intersect(starting));
        return new DispatchedAttempts { Request = request, Confirmed = confirmed, AnalysisTasks = tasks };
    }

    public async Task<bool> AttemptStartingAsync(TaskAttempt attempt)
    {
        await Pump.WaitUntilStoredAsync();
        return attempt.AnalysisId == AnalysisId && Analysis is not null && await MarkStartedAsync([attempt]) == 1;
    }

    /// <summary>
    /// Marks the attempts started that are still the running ones; how many were. The marks stay in memory and go to
    /// storage with the next write, except when one must be stored before its attempt runs (<see cref="AnalysisFlow.AttemptStarted"/>):
    /// then this returns once they are.
    /// </summary>
    private async Task<int> MarkStartedAsync(IEnumerable<TaskAttempt> attempts)
    {
        Pump.ThrowIfBroken();
        var now = DateTimeOffset.UtcNow;
        var (started, mustStore) = (0, false);
        foreach (var attempt in attempts)
        {
            if (!flow.AttemptStarted(Analysis!, attempt.TaskName, attempt.Attempt, now, out var store))
                continue;
            started++;
            mustStore |= store;
        }
        if (mustStore)
            // The marks are made; this step stores them with whatever else is queued.
            await Pump.ChangeAsync(_ => true);
        return started;
    }

    public async Task<AnalysisSnapshot?> CancelAsync()
    {
        var interrupted = new List<TaskAttempt>();
        var runningOn = new List<string?>();
        await Pump.ChangeAsync(now =>
        {
            if (Analysis is not { } analysis)
                return false;
            // Where each running attempt runs, read before the cancel marks it failed.
            var running = analysis.Tasks.Values.Where(run => run.Status == AnalysisTaskStatus.Running).ToDictionary(run => run.Name, run => run.RunningOn);
            if (!AnalysisFlow.Cancel(analysis, now, interrupted))
                return false;
            runningOn.AddRange(interrupted.Select(attempt => running.GetValueOrDefault(attempt.TaskName)));
            return true;
        });
        if (interrupted.Count > 0)
            await StopAttemptsAsync(interrupted, runningOn);
        return await GetAsync();
    }

    /// <summary>
    /// Tells the executor to cancel the tokens of attempts the cancel failed. The attempts of this analysis run on the
    /// silo that dispatched them, the analysis' own (workers are stateless workers on the caller's silo); an attempt
    /// dispatched by an earlier activation elsewhere cannot be reached from here, and its late report is ignored.
    /// </summary>
    private async Task StopAttemptsAsync(List<TaskAttempt> interrupted, List<string?> runningOn)
    {
        var here = localSilo.SiloAddress.ToParsableString();
        TaskAttempt[] local = [.. interrupted.Where((_, i) => runningOn[i] is null || runningOn[i] == here)];
        Log.AnalysisCancelled(AnalysisId, local.Length);
        if (local.Length == 0)
            return;
        try
        {
            await GrainFactory.GetGrain<IExecutorGrain>(0).CancelAsync(local);
        }
        catch (Exception exception)
        {
            Log.CancelNotDelivered(exception, AnalysisId, string.Join(", ", local.Select(attempt => attempt.TaskName)));
        }
    }

    public async Task<AnalysisSnapshot?> GetAsync()
    {
        // Never hand out a step's state before it is persisted.
        await Pump.WaitUntilStoredAsync();
        return Analysis;
    }

    public async Task<AnalysisSnapshot?> WaitForChangeAsync(long knownRevision, TimeSpan maxWait)
    {
        var deadline = DateTime.UtcNow + (maxWait > MaxWait ? MaxWait : maxWait);
        while (Analysis is { } analysis && !Pump.IsBroken && (Pump.IsStepping || (analysis.Revision <= knownRevision && !analysis.IsFinished)))
        {
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
                break;
            try
            {
                // WaitAsync drops its timer as soon as the signal wins; a bare Task.Delay would keep it for the whole wait.
                await Pump.Published.WaitAsync(remaining);
            }
            catch (TimeoutException)
            {
                break;
            }
        }
        // A step in flight at the deadline is short: finish waiting for it rather than hand out its unstored state.
        await Pump.WaitUntilStoredAsync();
        return Analysis;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        Plan.TickArrived(DateTimeOffset.UtcNow);
        if (Analysis is not { IsFinished: false })
        {
            // A finishing step stops the reminder itself; otherwise this is a tick that outlived its analysis.
            if (!Pump.IsPumping)
                await ApplyWakeUpsAsync(Plan.Next(Analysis, DateTimeOffset.UtcNow));
            return;
        }
        await WakeAsync();
    }

    private bool SiloIsDead(string silo) =>
        membership.CurrentSnapshot.GetSiloStatus(SiloAddress.FromParsableString(silo)) == SiloStatus.Dead;

    /// <summary>The watchdog's look: leases of lost attempts expire, due retries start.</summary>
    private Task WakeAsync() => Pump.ChangeAsync(now => Analysis is { IsFinished: false } analysis && flow.ExpireLeases(analysis, now, SiloIsDead, HeldHere), wake: true);

    /// <summary>Whether this silo's executor still holds the attempt: the executor is the analysis' own silo's.</summary>
    private bool HeldHere(AnalysisTask run) =>
        run.RunningOn == localSilo.SiloAddress.ToParsableString() && executor.Holds(AnalysisId, run.Name, run.Attempts);

    Task IAnalysisStepEffects.WriteStateAsync() => state.WriteStateAsync();

    /// <summary>The in-memory changes go with the activation, so the caller's retry (a worker re-sending its
    /// report) is applied again to the stored state, not ignored as a duplicate.</summary>
    void IAnalysisStepEffects.WriteFailed(Exception exception)
    {
        Log.StateNotStored(exception, AnalysisId);
        DeactivateOnIdle();
    }

    Task IAnalysisStepEffects.ArmWakeUpsAsync(AnalysisSnapshot analysis, DateTimeOffset now) => ApplyWakeUpsAsync(Plan.Next(analysis, now));

    async Task IAnalysisStepEffects.FinishAsync(AnalysisSnapshot analysis, DateTimeOffset now)
    {
        Log.AnalysisFinished(AnalysisId, analysis.Status.ToString());
        await ApplyWakeUpsAsync(Plan.Next(analysis, now));
        await index.RecordAsync(AnalysisListEntry.From(analysis));
        if (!analysis.Request.KeepCache)
            // Derived again, as the executor derives it, rather than read from the stored state.
            await DeleteCacheAsync(AnalysisCache.PathFor(options.Value.CacheRoot, analysis.Request.ToRequestView(), AnalysisId));
    }

    private Task DeleteCacheAsync(string cachePath) => Task.Run(() =>
    {
        try
        {
            AnalysisCache.Delete(cachePath, options.Value.CacheRoot);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            Log.CacheNotRemoved(exception, cachePath);
        }
    });

    /// <summary>
    /// Hands the ready attempts over: the workers' in one message to this silo's stateless worker, each callback to
    /// its own grain.
    /// </summary>
    async Task<IReadOnlyList<UndeliveredAttempt>> IAnalysisStepEffects.DispatchAsync(AnalysisSnapshot analysis, IReadOnlyList<AnalysisTask> ready)
    {
        var workers = ready.Where(run => run.Kind != AnalysisTaskKind.Callback).ToArray();
        var handOvers = ready.Where(run => run.Kind == AnalysisTaskKind.Callback)
            .Select(run => HandOverAsync([run], () => GrainFactory.GetGrain<ICallbackGrain>(GrainKeys.Callback(AnalysisId, run.Name))
                .InvokeAsync(Invocation(run))))
            .ToList();
        if (workers.Length > 0)
            handOvers.Add(HandOverAsync(workers, () => GrainFactory.GetGrain<IExecutorGrain>(0)
                .StartAsync([.. workers.Select(Invocation)])));
        return [.. (await Task.WhenAll(handOvers)).SelectMany(failed => failed)];
    }

    private async Task<IEnumerable<UndeliveredAttempt>> HandOverAsync(AnalysisTask[] runs, Func<Task<string>> handOver)
    {
        try
        {
            var silo = await handOver().WaitAsync(EffectTimeout);
            foreach (var run in runs)
                run.RunningOn = silo;
            return [];
        }
        catch (Exception exception)
        {
            foreach (var run in runs)
                Log.DispatchFailed(run.Name, run.Attempts, exception.Message);
            return runs.Select(run => new UndeliveredAttempt(run, exception));
        }
    }

    private TaskAttempt Invocation(AnalysisTask run) => new() { AnalysisId = AnalysisId, TaskName = run.Name, Attempt = run.Attempts };

    /// <summary>
    /// The reminder of a new analysis is registered before its first write: a silo dying between the two would
    /// otherwise leave a stored analysis that nothing ever wakes. A failure fails the start, for the caller to retry;
    /// a reminder whose analysis was never stored stops itself at its first tick.
    /// </summary>
    private async Task RegisterWatchdogBeforeFirstWriteAsync()
    {
        var period = Plan.WatchdogPeriod;
        var wake = new ReminderWakeUp(DateTimeOffset.UtcNow + period, period, period);
        reminder = await this.RegisterOrUpdateReminder(WakeReminder, wake.DueIn, wake.Period).WaitAsync(EffectTimeout);
        Plan.ReminderRegistered(wake);
    }

    /// <summary>Does what the wake-up plan asks: the reminder first (a write that may throw), then the timer.</summary>
    private async Task ApplyWakeUpsAsync(WakeUps next)
    {
        if (next.Stop)
        {
            await StopReminderAsync();
            retryTimer?.Dispose();
            retryTimer = null;
            Plan.Stopped();
            return;
        }
        if (next.Reminder is { } wake)
        {
            try
            {
                reminder = await this.RegisterOrUpdateReminder(WakeReminder, wake.DueIn, wake.Period).WaitAsync(EffectTimeout);
                Plan.ReminderRegistered(wake);
            }
            catch (Exception exception) when (ClusterErrors.IsTransient(exception))
            {
                // Unconfirmed, the plan asks for the registration again at the next step; a timer makes sure there is one.
                Log.ReminderNotRegistered(exception.Message);
                if (next.Timer is null || next.Timer.DueIn > wake.DueIn)
                    next = next with { Timer = new TimerWakeUp(DateTimeOffset.UtcNow + wake.DueIn, wake.DueIn) };
            }
        }
        if (next.Timer is { } timer)
        {
            retryTimer?.Dispose();
            Plan.TimerArmed(timer);
            retryTimer = this.RegisterGrainTimer(
                () => Analysis is { IsFinished: false } ? WakeAsync() : Task.CompletedTask,
                new GrainTimerCreationOptions { DueTime = timer.DueIn, Period = Timeout.InfiniteTimeSpan });
        }
    }

    private async Task StopReminderAsync()
    {
        // The handle this activation registered saves a read; an activation that did not register one looks it up.
        var current = reminder ?? await this.GetReminder(WakeReminder);
        if (current is not null)
        {
            try
            {
                await this.UnregisterReminder(current);
            }
            catch (Exception) when (reminder is not null)
            {
                // Changed since this activation registered it (a restarted silo re-registered it): look it up and retry.
                if (await this.GetReminder(WakeReminder) is { } stored)
                    await this.UnregisterReminder(stored);
            }
        }
        reminder = null;
    }
}
