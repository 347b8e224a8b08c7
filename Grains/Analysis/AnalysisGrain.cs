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
    CucosTelemetry telemetry)
    : Grain, IAnalysisGrain, IRemindable, IAnalysisStepEffects
{
    private const string WakeReminder = "cucos-wake";
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

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

    public async Task<AnalysisSnapshot> StartAsync(AnalysisRequest request)
    {
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
            telemetry.AnalysisStarted();
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

    public async Task<AnalysisSnapshot?> GetAsync()
    {
        // Never hand out a step's state before it is persisted.
        while (Pump.IsStepping)
            await Pump.Published;
        return Analysis;
    }

    public async Task<AnalysisSnapshot?> WaitForChangeAsync(long knownRevision, TimeSpan maxWait)
    {
        var deadline = DateTime.UtcNow + (maxWait > MaxWait ? MaxWait : maxWait);
        while (Analysis is { } analysis && (Pump.IsStepping || (analysis.Revision <= knownRevision && !analysis.IsFinished)))
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
        while (Pump.IsStepping)
            await Pump.Published;
        return Analysis;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
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
    private Task WakeAsync() => Pump.ChangeAsync(now => Analysis is { IsFinished: false } analysis && flow.ExpireLeases(analysis, now, SiloIsDead), wake: true);

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
        if (!analysis.Request.KeepCache)
            await DeleteCacheAsync(analysis.CachePath);
    }

    private Task DeleteCacheAsync(string cachePath) => Task.Run(() =>
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

    /// <summary>
    /// Hands the ready attempts over: the workers' in one message to this silo's stateless worker, each callback to
    /// its own grain.
    /// </summary>
    async Task<IReadOnlyList<UndeliveredAttempt>> IAnalysisStepEffects.DispatchAsync(AnalysisSnapshot analysis, IReadOnlyList<AnalysisTask> ready)
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

    private async Task<IEnumerable<UndeliveredAttempt>> HandOverAsync(AnalysisTask[] runs, Func<Task<string>> handOver)
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
            return runs.Select(run => new UndeliveredAttempt(run, exception));
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
            reminder = await this.RegisterOrUpdateReminder(WakeReminder, wake.DueIn, wake.Period);
            Plan.ReminderRegistered(wake);
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
