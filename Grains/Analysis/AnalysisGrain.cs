using Cucos.Orleans.Grains.Flow;
using Cucos.Orleans.Grains.Hosting;
using Cucos.Orleans.Messages;
using Cucos.Orleans.Sdk;
using Cucos.Orleans.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Hosting;

namespace Cucos.Orleans.Grains.Analysis;

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
public sealed class AnalysisGrain(
    [PersistentState(StateNames.Analysis, StateNames.StorageProvider)] IPersistentState<AnalysisGrainState> state,
    AnalysisFlow flow,
    IOptions<CucosSiloOptions> options,
    IOptions<ReminderOptions> reminderOptions,
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    ILogger<AnalysisGrain> logger)
    : Grain, IAnalysisGrain, IRemindable
{
    private const string WakeReminder = "cucos-wake";
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    private TaskCompletionSource changed = NewSignal();
    // True while a step has changed the state in memory but not yet persisted and published it.
    private bool stepping;
    private DateTimeOffset? reminderNextTick;
    private IGrainTimer? retryTimer;
    private DateTimeOffset? retryTimerDue;

    private AnalysisSnapshot? Analysis => state.State.Analysis;
    private string AnalysisId => this.GetPrimaryKeyString();

    private TimeSpan WatchdogPeriod =>
        options.Value.WatchdogInterval > reminderOptions.Value.MinimumReminderPeriod
            ? options.Value.WatchdogInterval
            : reminderOptions.Value.MinimumReminderPeriod;

    public async Task<AnalysisSnapshot> StartAsync(AnalysisRequest request)
    {
        if (Analysis is { } existing)
            return existing;
        var now = DateTimeOffset.UtcNow;
        var analysis = flow.Create(AnalysisId, request, TaskContext.CachePathFor(options.Value.CacheRoot, request, AnalysisId), now);
        state.State.Analysis = analysis;
        logger.LogInformation("Analysis {AnalysisId} of {Release} started.", AnalysisId, request.Release);
        await StepAsync(analysis, now, changedAlready: true);
        return analysis;
    }

    public async Task ReportAsync(TaskReport report)
    {
        if (Analysis is not { } analysis)
        {
            logger.LogWarning("Report of {Task} for unknown analysis {AnalysisId} ignored.", report.TaskName, AnalysisId);
            return;
        }
        var now = DateTimeOffset.UtcNow;
        if (!flow.ApplyReport(analysis, report, now))
        {
            logger.LogDebug("Duplicate or stale report of {Task} attempt {Attempt} ignored.", report.TaskName, report.Attempt);
            return;
        }
        await StepAsync(analysis, now, changedAlready: true);
    }

    public Task<AnalysisSnapshot?> GetAsync() => Task.FromResult(Analysis);

    public async Task<AnalysisSnapshot?> WaitForChangeAsync(long knownRevision, TimeSpan maxWait)
    {
        // This call interleaves with the others, so it must not hand out a step's state before it is published.
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
        return Analysis;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (Analysis is not { } analysis || analysis.IsFinished)
        {
            await StopReminderAsync();
            return;
        }
        await WakeAsync(analysis);
    }

    private bool SiloIsDead(string silo) =>
        membership.CurrentSnapshot.GetSiloStatus(SiloAddress.FromParsableString(silo)) == SiloStatus.Dead;

    private Task WakeAsync(AnalysisSnapshot analysis)
    {
        var now = DateTimeOffset.UtcNow;
        var expired = flow.ExpireLeases(analysis, now, SiloIsDead);
        return StepAsync(analysis, now, expired);
    }

    /// <summary>
    /// Advances the flow and persists once. Waiting clients hear of the change only after it is persisted and,
    /// for a finished analysis, after its reminder and cache folder are gone. Then it dispatches what became ready.
    /// </summary>
    private async Task StepAsync(AnalysisSnapshot analysis, DateTimeOffset now, bool changedAlready)
    {
        stepping = true;
        List<TaskRun> ready;
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
            if (finished)
                await FinishAsync(analysis);
        }
        finally
        {
            stepping = false;
        }
        Signal();
        if (finished)
            return;
        var undelivered = (await Task.WhenAll(ready.Select(run => DispatchAsync(analysis, run)))).OfType<(TaskRun Run, Exception Error)>().ToList();
        if (undelivered.Count > 0)
        {
            var failedAt = DateTimeOffset.UtcNow;
            var changedRuns = undelivered.Count(u => flow.DispatchFailed(analysis, u.Run.Name, u.Run.Attempts, u.Error, failedAt));
            if (changedRuns > 0)
            {
                analysis.Revision++;
                await PersistAsync();
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
            logger.LogWarning(exception, "Analysis {AnalysisId}: state could not be stored; dropping this activation's changes.", AnalysisId);
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>Hands an attempt over; returns the failure when it could not be handed over.</summary>
    private async Task<(TaskRun Run, Exception Error)?> DispatchAsync(AnalysisSnapshot analysis, TaskRun run)
    {
        var invocation = new TaskInvocation
        {
            AnalysisId = AnalysisId,
            TaskName = run.Name,
            Attempt = run.Attempts,
            Request = analysis.Request,
            CachePath = analysis.CachePath,
            AnalysisTasks = run.Kind == TaskRunKind.Callback ? analysis.Tasks : null,
        };
        try
        {
            run.RunningOn = run.Kind == TaskRunKind.Callback
                ? await GrainFactory.GetGrain<ICallbackGrain>(GrainKeys.Callback(AnalysisId, run.Name)).InvokeAsync(invocation)
                : await GrainFactory.GetGrain<ITaskWorkerGrain>(0).StartAsync(invocation);
            return null;
        }
        catch (Exception exception)
        {
            logger.LogWarning("Dispatch of {Task} attempt {Attempt} failed ({Error}); it is tried again shortly.", run.Name, run.Attempts, exception.Message);
            return (run, exception);
        }
    }

    private async Task FinishAsync(AnalysisSnapshot analysis)
    {
        logger.LogInformation("Analysis {AnalysisId} finished: {Status}.", AnalysisId, analysis.Status);
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
                    TaskContext.DeleteCache(cachePath, options.Value.CacheRoot);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    logger.LogWarning(exception, "Could not remove the cache folder {CachePath}.", cachePath);
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
            await this.RegisterOrUpdateReminder(WakeReminder, firstTick - now, WatchdogPeriod);
            reminderNextTick = firstTick;
        }

        var retryDue = analysis.Tasks.Values.Where(r => r.Status == TaskRunStatus.RetryScheduled).Min(r => r.NextAttemptAt);
        if (retryDue is { } due && due < reminderNextTick && (retryTimerDue is null || due < retryTimerDue || retryTimerDue < now))
        {
            retryTimer?.Dispose();
            retryTimerDue = due;
            var delay = due - now;
            retryTimer = this.RegisterGrainTimer(
                () => Analysis is { IsFinished: false } current ? WakeAsync(current) : Task.CompletedTask,
                new GrainTimerCreationOptions
                {
                    DueTime = delay < TimeSpan.Zero ? TimeSpan.Zero : delay + TimeSpan.FromMilliseconds(5),
                    Period = Timeout.InfiniteTimeSpan,
                });
        }
    }

    private async Task StopReminderAsync()
    {
        var reminder = await this.GetReminder(WakeReminder);
        if (reminder is not null)
            await this.UnregisterReminder(reminder);
        reminderNextTick = null;
    }

    private void Signal()
    {
        var previous = changed;
        changed = NewSignal();
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
