using System.Collections.Concurrent;
using System.Diagnostics;
using Cucos.Grains.Hosting;
using Cucos.Grains.Results;
using Cucos.Grains.Telemetry;
using Cucos.Messages;
using Cucos.Sdk;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Cucos.Grains.Execution;

/// <summary>
/// Runs task attempts on the thread pool, off the grain scheduler, at most <see cref="CucosSiloOptions.MaxConcurrentTasks"/>
/// at once, and reports each outcome to its analysis. On shutdown, running attempts are cancelled and not reported:
/// their leases run out and the analysis' watchdog runs them again.
/// </summary>
public sealed class TaskExecutor : IDisposable
{
    private readonly IServiceProvider services;
    private readonly TaskRegistry registry;
    private readonly IGrainFactory grains;
    private readonly IGrainStorage resultStorage;
    private readonly ILogger logger;
    private readonly CucosSiloOptions options;
    private readonly CucosTelemetry telemetry;
    private readonly SemaphoreSlim slots;
    private readonly CancellationTokenSource stopping = new();
    private readonly CancellationTokenRegistration stoppingRegistration;
    // Per analysis with a report on its way: the reports that came meanwhile, to go in the next message.
    private readonly Dictionary<string, List<AttemptReport>> outgoing = [];
    // The token of each attempt this executor runs, so a cancelled analysis can stop its attempts.
    private readonly ConcurrentDictionary<(string AnalysisId, string Task, int Attempt), CancellationTokenSource> running = new();

    public TaskExecutor(
        IServiceProvider services, TaskRegistry registry, IGrainFactory grains, ILoggerFactory loggerFactory,
        IOptions<CucosSiloOptions> options, IHostApplicationLifetime lifetime, CucosTelemetry telemetry)
    {
        this.telemetry = telemetry;
        this.services = services;
        this.registry = registry;
        this.grains = grains;
        resultStorage = services.GetRequiredKeyedService<IGrainStorage>(StateNames.StorageProvider);
        logger = loggerFactory.CreateLogger<TaskExecutor>();
        this.options = options.Value;
        slots = new SemaphoreSlim(Math.Max(1, this.options.MaxConcurrentTasks));
        stoppingRegistration = lifetime.ApplicationStopping.Register(stopping.Cancel);
    }

    /// <summary>
    /// Accepts attempts and returns at once. Each runs once its analysis confirms it dispatched it, on the analysis'
    /// own request and in the cache folder derived from this silo's cache root: nothing in the message is taken on trust.
    /// </summary>
    public void Start(IReadOnlyList<TaskAttempt> attempts)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        foreach (var analysis in attempts.GroupBy(attempt => attempt.AnalysisId, StringComparer.Ordinal))
        {
            var batch = analysis.ToArray();
            foreach (var _ in batch)
                telemetry.TaskQueued();
            _ = Task.Run(() => ConfirmAndRunAsync(analysis.Key, batch));
        }
    }

    private async Task ConfirmAndRunAsync(string analysisId, TaskAttempt[] attempts)
    {
        // Those that find a free slot now start as soon as they are confirmed, and the confirmation says so; the others
        // wait in the queue and announce their start when they leave it. Only a started attempt lost with this silo
        // counts against its task's retry policy.
        var withSlot = 0;
        while (withSlot < attempts.Length && slots.Wait(0))
            withSlot++;
        var starting = attempts[..withSlot];
        DispatchedAttempts? dispatched;
        try
        {
            dispatched = await ClusterErrors.RetryTransientAsync(
                () => grains.GetGrain<IAnalysisGrain>(analysisId).ConfirmDispatchedAsync(attempts, starting), options.ReportDeliveryTimeout, stopping.Token)
                .ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Unconfirmed, the attempt is not run; its lease runs out and the watchdog dispatches it again.
            ReleaseSlots(withSlot);
            Dequeued(attempts.Length);
            if (!stopping.IsCancellationRequested)
                logger.AttemptsNotConfirmed(exception, Names(attempts), analysisId);
            return;
        }
        var confirmed = dispatched?.Confirmed ?? [];
        ReleaseSlots(starting.Except(confirmed).Count());
        if (confirmed.Length < attempts.Length)
        {
            Dequeued(attempts.Length - confirmed.Length);
            logger.AttemptsNotDispatched(Names(attempts.Except(confirmed)), analysisId);
        }
        if (dispatched is null || confirmed.Length == 0)
            return;
        var cachePath = AnalysisCache.PathFor(options.CacheRoot, dispatched.Request.ToRequestView(), analysisId);
        foreach (var attempt in confirmed)
        {
            var run = new ConfirmedAttempt(attempt, dispatched.Request, cachePath, dispatched.AnalysisTasks);
            var hasSlot = starting.Contains(attempt);
            // Each on its own: a task's CPU-bound work before its first await must not hold up the others.
            _ = Task.Run(() => RunAsync(run, hasSlot));
        }
    }

    private void ReleaseSlots(int count)
    {
        if (count > 0)
            slots.Release(count);
    }

    /// <summary>
    /// Whether this silo still holds the attempt: confirmed and waiting for a task slot, announcing its start, or
    /// running. The analysis asks when the attempt's lease runs out before it knew it started: on a silo with a backlog
    /// longer than the task's timeout that is a long wait, not a lost attempt, and dispatching it again would only put
    /// it at the back of the queue. (An analysis activated afresh on the same silo has lost the start marks its
    /// predecessor kept in memory, so a running attempt can look unstarted too.)
    /// </summary>
    public bool Holds(string analysisId, string taskName, int attempt) => running.ContainsKey((analysisId, taskName, attempt));

    /// <summary>Cancels the token of each of <paramref name="attempts"/> that runs here; how many did.</summary>
    public int Cancel(IReadOnlyList<TaskAttempt> attempts)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        var cancelled = 0;
        foreach (var attempt in attempts)
        {
            if (!running.TryGetValue((attempt.AnalysisId, attempt.TaskName, attempt.Attempt), out var token))
                continue;
            try
            {
                token.Cancel();
                cancelled++;
            }
            catch (ObjectDisposedException)
            {
                // It ended meanwhile.
            }
        }
        return cancelled;
    }

    private void Dequeued(int count)
    {
        for (var i = 0; i < count; i++)
            telemetry.TaskDequeued();
    }

    private static string Names(IEnumerable<TaskAttempt> attempts) => string.Join(", ", attempts.Select(attempt => $"{attempt.TaskName}#{attempt.Attempt}"));

    private async Task RunAsync(ConfirmedAttempt confirmed, bool hasSlot)
    {
        var invocation = confirmed.Attempt;
        // Every log line of the attempt, the task's own included, carries AnalysisId, TaskName and Attempt.
        using var scope = logger.BeginScope(LogScope.ForTask(invocation.AnalysisId, invocation.TaskName, invocation.Attempt));
        var key = (invocation.AnalysisId, invocation.TaskName, invocation.Attempt);
        using var attemptToken = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        running[key] = attemptToken;
        AttemptReport report;
        try
        {
            if (!hasSlot)
            {
                try
                {
                    await slots.WaitAsync(attemptToken.Token).ConfigureAwait(false);
                }
                finally
                {
                    telemetry.TaskDequeued();
                }
            }
            else
            {
                telemetry.TaskDequeued();
            }
            try
            {
                if (!hasSlot && !await AnnounceStartAsync(invocation, attemptToken.Token).ConfigureAwait(false))
                    return;
                using var activity = CucosTelemetry.StartTask(invocation);
                telemetry.TaskRunning();
                var started = Stopwatch.GetTimestamp();
                try
                {
                    report = await ExecuteAsync(confirmed, attemptToken.Token).ConfigureAwait(false);
                    telemetry.TaskAttemptEnded(invocation.TaskName, report.Outcome, started);
                    CucosTelemetry.TaskSpanEnded(activity, report);
                }
                finally
                {
                    telemetry.TaskNotRunning();
                }
            }
            finally
            {
                slots.Release();
            }
        }
        catch (Exception) when (attemptToken.IsCancellationRequested)
        {
            // Stopping: the lease runs out and another silo runs it. Cancelled: the analysis counts it as failed already.
            if (stopping.IsCancellationRequested)
                logger.AttemptLeftToWatchdog(invocation.Attempt, invocation.TaskName);
            else
                logger.AttemptCancelled(invocation.Attempt, invocation.TaskName);
            return;
        }
        catch (Exception exception)
        {
            // Only a failure before the task's lifecycle can get here (the result store, say); the runner catches the rest.
            var now = DateTimeOffset.UtcNow;
            report = new AttemptReport
            {
                TaskName = invocation.TaskName,
                Attempt = invocation.Attempt,
                Outcome = AttemptOutcome.Failed,
                StartedAt = now,
                EndedAt = now,
                Error = TaskError.From(exception, fatal: exception is KeyNotFoundException or FatalTaskException, invocation.Attempt, now),
            };
        }
        finally
        {
            running.TryRemove(key, out _);
        }
        await DeliverAsync(invocation.AnalysisId, report).ConfigureAwait(false);
    }

    /// <summary>
    /// Tells the analysis that an attempt which waited for its slot starts now; false when it must not run: the
    /// analysis has moved on (its lease ran out while it waited, the analysis was cancelled), or cannot be told, and
    /// then the watchdog runs it again once its lease runs out.
    /// </summary>
    private async Task<bool> AnnounceStartAsync(TaskAttempt attempt, CancellationToken cancellationToken)
    {
        try
        {
            if (await ClusterErrors.RetryTransientAsync(
                    () => grains.GetGrain<IAnalysisGrain>(attempt.AnalysisId).AttemptStartingAsync(attempt), options.ReportDeliveryTimeout, cancellationToken)
                .ConfigureAwait(false))
                return true;
            logger.QueuedAttemptStale(attempt.Attempt, attempt.TaskName, attempt.AnalysisId);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            logger.AttemptStartNotRecorded(exception, attempt.Attempt, attempt.TaskName, attempt.AnalysisId);
        }
        return false;
    }

    private async Task<AttemptReport> ExecuteAsync(ConfirmedAttempt confirmed, CancellationToken cancellationToken)
    {
        var invocation = confirmed.Attempt;
        ITaskResultStore results = new StorageTaskResultStore(resultStorage, grains, invocation.AnalysisId, options.ReportDeliveryTimeout);
        // An index kept beside the results (the in-memory profile's dependents) sees each document as it is stored.
        if (services.GetService<Cucos.Usage.IDependentsIndex>() is Cucos.Usage.IStoredResultObserver observer)
            results = new Usage.ObservedResultStore(results, invocation.AnalysisId, observer);
        var context = TaskContextFactory.ForAttempt(confirmed, results, services);
        var attempt = await TaskRunner.CallAsync(registry, context, cancellationToken).ConfigureAwait(false);
        if (attempt.Report.Error is { } error)
            logger.AttemptFailed(invocation.TaskName, invocation.Attempt, error.Type, error.Message);
        return attempt.Report;
    }

    /// <summary>
    /// Sends a report to its analysis. Reports for an analysis that come while one is on its way wait and go
    /// together in the next message: attempts that end at about the same time cost the analysis one call.
    /// </summary>
    private async Task DeliverAsync(string analysisId, AttemptReport report)
    {
        lock (outgoing)
        {
            if (outgoing.TryGetValue(analysisId, out var waiting))
            {
                waiting.Add(report);
                return;
            }
            outgoing[analysisId] = [];
        }
        AttemptReport[] batch = [report];
        while (true)
        {
            await SendAsync(analysisId, batch).ConfigureAwait(false);
            lock (outgoing)
            {
                var waiting = outgoing[analysisId];
                if (waiting.Count == 0)
                {
                    outgoing.Remove(analysisId);
                    return;
                }
                batch = [.. waiting];
                waiting.Clear();
            }
        }
    }

    private async Task SendAsync(string analysisId, AttemptReport[] reports)
    {
        var analysis = grains.GetGrain<IAnalysisGrain>(analysisId);
        try
        {
            await ClusterErrors.RetryTransientAsync(() => analysis.ReportAsync(reports), options.ReportDeliveryTimeout, stopping.Token,
                // Reports are idempotent, so any failure (a dead silo, the database away) is worth another try.
                retryable: exception => exception is not OperationCanceledException).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            logger.ReportNotDelivered(exception, string.Join(", ", reports.Select(r => r.TaskName)), analysisId);
        }
    }

    public void Dispose()
    {
        stoppingRegistration.Dispose();
        stopping.Dispose();
        slots.Dispose();
    }
}
