using Cucos.Orleans.Grains.Flow;
using Cucos.Orleans.Grains.Hosting;
using Cucos.Orleans.Messages;
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
    ILogger<AnalysisGrain> logger)
    : Grain, IAnalysisGrain, IRemindable
{
    private const string WakeReminder = "cucos-wake";
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    private TaskCompletionSource changed = NewSignal();
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
        var analysis = flow.Create(AnalysisId, request, Path.Combine(options.Value.CacheRoot, AnalysisId), now);
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
        if (Analysis is null || Analysis.Revision > knownRevision || Analysis.IsFinished)
            return Analysis;
        var wait = maxWait > MaxWait ? MaxWait : maxWait;
        await Task.WhenAny(changed.Task, Task.Delay(wait));
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

    private Task WakeAsync(AnalysisSnapshot analysis)
    {
        var now = DateTimeOffset.UtcNow;
        var expired = flow.ExpireLeases(analysis, now);
        return StepAsync(analysis, now, expired);
    }

    /// <summary>Advances the flow, persists once, then dispatches what became ready and arms the next wake-up.</summary>
    private async Task StepAsync(AnalysisSnapshot analysis, DateTimeOffset now, bool changedAlready)
    {
        var ready = flow.Advance(analysis, now);
        var finished = flow.TryFinish(analysis, now);
        if (!changedAlready && ready.Count == 0 && !finished)
        {
            await ArmWakeUpAsync(analysis, now);
            return;
        }
        analysis.Revision++;
        await state.WriteStateAsync();
        Signal();

        if (finished)
        {
            await FinishAsync(analysis);
            return;
        }
        await Task.WhenAll(ready.Select(run => DispatchAsync(analysis, run)));
        await ArmWakeUpAsync(analysis, now);
    }

    private async Task DispatchAsync(AnalysisSnapshot analysis, TaskRun run)
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
            if (run.Kind == TaskRunKind.Callback)
                await GrainFactory.GetGrain<ICallbackGrain>(GrainKeys.Callback(AnalysisId, run.Name)).InvokeAsync(invocation);
            else
                await GrainFactory.GetGrain<ITaskWorkerGrain>(0).StartAsync(invocation);
        }
        catch (Exception exception)
        {
            // The attempt stays running; its lease runs out and the watchdog tries again.
            logger.LogWarning(exception, "Dispatch of {Task} attempt {Attempt} failed; the watchdog will retry it.", run.Name, run.Attempts);
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
                    if (Directory.Exists(cachePath))
                        Directory.Delete(cachePath, recursive: true);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    logger.LogWarning(exception, "Could not remove the cache folder {CachePath}.", cachePath);
                }
            });
        }
    }

    /// <summary>
    /// The reminder is the durable wake-up (it survives a restart); a one-shot timer adds precision for retries
    /// due sooner than the next reminder tick. The reminder is re-registered only when it must fire earlier.
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

        if (deadline is { } due && (retryTimerDue is null || due < retryTimerDue || retryTimerDue < now))
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
