using Cucos.Grains.Execution;
using Cucos.Grains.Flow;
using Cucos.Grains.Hosting;
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
/// The grain is reentrant, but only the step pump changes the state: every change (start, report, wake-up) is queued,
/// and the pump applies all queued changes together, persists once, then dispatches. Reports that arrive while a
/// step is being stored therefore share the next write instead of costing one each.
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
    CucosTelemetry telemetry)
    : Grain, IAnalysisGrain, IRemindable
{
    private const string WakeReminder = "cucos-wake";
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    private readonly List<PendingChange> pending = [];
    private bool pumping;
    // Set when a write failed: this activation's memory is ahead of storage, so it takes no more changes.
    private bool broken;
    private TaskCompletionSource changed = NewSignal();
    // True while a step has changed the state in memory but not yet persisted and published it.
    private bool stepping;
    private IGrainReminder? reminder;
    private DateTimeOffset? reminderNextTick;
    private IGrainTimer? retryTimer;
    private DateTimeOffset? retryTimerDue;
    private ILogger? scopedLog;

    private AnalysisSnapshot? Analysis => state.State.Analysis;
    private string AnalysisId => this.GetPrimaryKeyString();
    // Every line this grain writes carries the AnalysisId in its scope.
    private ILogger Log => scopedLog ??= new ScopedLogger(logger, LogScope.ForAnalysis(AnalysisId));

    private TimeSpan WatchdogPeriod =>
        options.Value.WatchdogInterval > reminderOptions.Value.MinimumReminderPeriod
            ? options.Value.WatchdogInterval
            : reminderOptions.Value.MinimumReminderPeriod;

    public async Task<AnalysisSnapshot> StartAsync(AnalysisRequest request)
    {
        var created = false;
        await ChangeAsync(now =>
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
            telemetry.AnalysisStarted();
        return Analysis!;
    }

    public Task ReportAsync(AttemptReport[] reports) => ChangeAsync(now =>
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

    public async Task<AnalysisSnapshot?> GetAsync()
    {
        // Never hand out a step's state before it is persisted.
        while (stepping)
            await changed.Task;
        return Analysis;
    }

    public async Task<AnalysisSnapshot?> WaitForChangeAsync(long knownRevision, TimeSpan maxWait)
    {
        var deadline = DateTime.UtcNow + (maxWait > MaxWait ? MaxWait : maxWait);
        while (Analysis is { } analysis && (stepping || (analysis.Revision <= knownRevision && !analysis.IsFinished)))
        {
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
                break;
            try
            {
                // WaitAsync drops its timer as soon as the signal wins; a bare Task.Delay would keep it for the whole wait.
                await changed.Task.WaitAsync(remaining);
            }
            catch (TimeoutException)
            {
                break;
            }
        }
        // A step in flight at the deadline is short: finish waiting for it rather than hand out its unstored state.
        while (stepping)
            await changed.Task;
        return Analysis;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Analysis is not { IsFinished: false })
        {
            if (!pumping)
                await StopReminderAsync();
            return;
        }
        await WakeAsync();
    }

    private bool SiloIsDead(string silo) =>
        membership.CurrentSnapshot.GetSiloStatus(SiloAddress.FromParsableString(silo)) == SiloStatus.Dead;

    /// <summary>The watchdog's look: leases of lost attempts expire, due retries start.</summary>
    private Task WakeAsync() => ChangeAsync(now => Analysis is { IsFinished: false } analysis && flow.ExpireLeases(analysis, now, SiloIsDead), wake: true);

    /// <summary>Queues a change for the pump and returns once the step that applied it is persisted.</summary>
    private Task ChangeAsync(Func<DateTimeOffset, bool> apply, bool wake = false)
    {
        if (broken)
            throw new InvalidOperationException($"analysis {AnalysisId}: this activation lost a write and is being replaced; try again.");
        var change = new PendingChange(apply, wake);
        pending.Add(change);
        if (!pumping)
            _ = PumpAsync();
        return change.Done.Task;
    }

    /// <summary>Applies every queued change, persists once, publishes, dispatches; repeats while changes keep arriving.</summary>
    private async Task PumpAsync()
    {
        pumping = true;
        try
        {
            while (pending.Count > 0)
            {
                var batch = pending.ToArray();
                pending.Clear();
                using var activity = CucosTelemetry.StartStep(AnalysisId, batch.Length);
                try
                {
                    if (broken)
                        throw new InvalidOperationException($"analysis {AnalysisId}: this activation lost a write and is being replaced; try again.");
                    var now = DateTimeOffset.UtcNow;
                    var changedState = false;
                    foreach (var change in batch)
                        changedState |= change.Apply(now);
                    if (Analysis is { } analysis && (changedState || batch.Any(c => c.Wake)))
                        await StepAsync(analysis, now, changedState);
                    foreach (var change in batch)
                        change.Done.TrySetResult();
                }
                catch (Exception exception)
                {
                    foreach (var change in batch)
                        change.Done.TrySetException(exception);
                }
            }
        }
        finally
        {
            pumping = false;
        }
    }

    /// <summary>
    /// Advances the flow and persists once. Waiting clients hear of the change only after it is persisted and,
    /// for a finished analysis, after its reminder and cache folder are gone. Then it dispatches what became ready.
    /// </summary>
    private async Task StepAsync(AnalysisSnapshot analysis, DateTimeOffset now, bool changedAlready)
    {
        stepping = true;
        List<AnalysisTask> ready;
        bool finished;
        try
        {
            ready = flow.Advance(analysis, now);
            finished = flow.TryFinish(analysis, now);
            if (!changedAlready && ready.Count == 0 && !finished)
            {
                await ArmWakeUpAsync(analysis, now);
                return;
            }
            // Workers are stateless workers on this silo and callbacks prefer it too, so the attempt runs here:
            // stored now, a successor activation can tell at once that this silo died with its attempts.
            var here = localSilo.SiloAddress.ToParsableString();
            foreach (var run in ready)
                run.RunningOn = here;
            analysis.Revision++;
            await PersistAsync();
            telemetry.AttemptsStarted(ready);
            if (finished)
            {
                telemetry.AnalysisFinished(analysis.Status);
                await FinishAsync(analysis);
            }
        }
        finally
        {
            stepping = false;
        }
        Signal();
        if (finished)
            return;
        var undelivered = await DispatchAsync(analysis, ready);
        if (undelivered.Count > 0)
        {
            var failedAt = DateTimeOffset.UtcNow;
            var changedRuns = undelivered.Count(u => AnalysisFlow.DispatchFailed(analysis, u.Run.Name, u.Run.Attempts, u.Error, failedAt));
            if (changedRuns > 0)
            {
                stepping = true;
                try
                {
                    analysis.Revision++;
                    await PersistAsync();
                }
                finally
                {
                    stepping = false;
                }
                Signal();
            }
        }
        await ArmWakeUpAsync(analysis, now);
    }

    /// <summary>
    /// Writes the state. If the write fails, the in-memory changes are dropped with the activation, so the
    /// caller's retry (a worker re-sending its report) is applied again to the stored state, not ignored as a duplicate.
    /// </summary>
    private async Task PersistAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception exception)
        {
            Log.StateNotStored(exception, AnalysisId);
            broken = true;
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>
    /// Hands the ready attempts over: the workers' in one message to this silo's stateless worker, each callback to
    /// its own grain. Returns the attempts that could not be handed over, with the reason.
    /// </summary>
    private async Task<List<(AnalysisTask Run, Exception Error)>> DispatchAsync(AnalysisSnapshot analysis, List<AnalysisTask> ready)
    {
        var workers = ready.Where(run => run.Kind != AnalysisTaskKind.Callback).ToArray();
        var handOvers = ready.Where(run => run.Kind == AnalysisTaskKind.Callback)
            .Select(run => HandOverAsync([run], () => GrainFactory.GetGrain<ICallbackGrain>(GrainKeys.Callback(AnalysisId, run.Name))
                .InvokeAsync(Invocation(analysis, run))))
            .ToList();
        if (workers.Length > 0)
            handOvers.Add(HandOverAsync(workers, () => GrainFactory.GetGrain<IExecutorGrain>(0)
                .StartAsync([.. workers.Select(run => Invocation(analysis, run))])));
        return [.. (await Task.WhenAll(handOvers)).SelectMany(failed => failed)];
    }

    private async Task<IEnumerable<(AnalysisTask Run, Exception Error)>> HandOverAsync(AnalysisTask[] runs, Func<Task<string>> handOver)
    {
        try
        {
            var silo = await handOver();
            foreach (var run in runs)
                run.RunningOn = silo;
            return [];
        }
        catch (Exception exception)
        {
            foreach (var run in runs)
                Log.DispatchFailed(run.Name, run.Attempts, exception.Message);
            return runs.Select(run => (run, exception));
        }
    }

    private TaskAttempt Invocation(AnalysisSnapshot analysis, AnalysisTask run) => new()
    {
        AnalysisId = AnalysisId,
        TaskName = run.Name,
        Attempt = run.Attempts,
        Request = analysis.Request,
        CachePath = analysis.CachePath,
        AnalysisTasks = run.Kind == AnalysisTaskKind.Callback ? analysis.Tasks : null,
    };

    private async Task FinishAsync(AnalysisSnapshot analysis)
    {
        Log.AnalysisFinished(AnalysisId, analysis.Status.ToString());
        await StopReminderAsync();
        retryTimer?.Dispose();
        retryTimer = null;
        if (!analysis.Request.KeepCache)
        {
            var cachePath = analysis.CachePath;
            await Task.Run(() =>
            {
                try
                {
                    AnalysisCache.Delete(cachePath, options.Value.CacheRoot);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    Log.CacheNotRemoved(exception, cachePath);
                }
            });
        }
    }

    /// <summary>
    /// The reminder is the durable wake-up: it survives a restart and, every watchdog period, checks leases and
    /// retries. It is re-registered only when it must fire earlier. A one-shot timer adds precision for a retry
    /// due before the reminder's next tick.
    /// </summary>
    private async Task ArmWakeUpAsync(AnalysisSnapshot analysis, DateTimeOffset now)
    {
        var deadline = AnalysisFlow.NextDeadline(analysis);
        var firstTick = deadline is { } d && d - now < WatchdogPeriod ? d : now + WatchdogPeriod;
        if (firstTick < now)
            firstTick = now;
        if (reminderNextTick is null || firstTick < reminderNextTick || reminderNextTick < now)
        {
            reminder = await this.RegisterOrUpdateReminder(WakeReminder, firstTick - now, WatchdogPeriod);
            reminderNextTick = firstTick;
        }

        var retryDue = analysis.Tasks.Values.Where(r => r.Status == AnalysisTaskStatus.RetryScheduled).Min(r => r.NextAttemptAt);
        if (retryDue is { } due && due < reminderNextTick && (retryTimerDue is null || due < retryTimerDue || retryTimerDue < now))
        {
            retryTimer?.Dispose();
            retryTimerDue = due;
            var delay = due - now;
            retryTimer = this.RegisterGrainTimer(
                () => Analysis is { IsFinished: false } ? WakeAsync() : Task.CompletedTask,
                new GrainTimerCreationOptions
                {
                    DueTime = delay < TimeSpan.Zero ? TimeSpan.Zero : delay + TimeSpan.FromMilliseconds(5),
                    Period = Timeout.InfiniteTimeSpan,
                });
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
        reminderNextTick = null;
    }

    private void Signal()
    {
        var previous = changed;
        changed = NewSignal();
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record PendingChange(Func<DateTimeOffset, bool> Apply, bool Wake)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
