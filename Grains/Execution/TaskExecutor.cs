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

    /// <summary>Accepts an attempt and returns at once.</summary>
    public void Start(TaskAttempt invocation)
    {
        telemetry.TaskQueued();
        _ = Task.Run(() => RunAsync(invocation));
    }

    private async Task RunAsync(TaskAttempt invocation)
    {
        // Every log line of the attempt, the task's own included, carries AnalysisId, TaskName and Attempt.
        using var scope = logger.BeginScope(LogScope.ForTask(invocation.AnalysisId, invocation.TaskName, invocation.Attempt));
        AttemptReport report;
        try
        {
            try
            {
                await slots.WaitAsync(stopping.Token).ConfigureAwait(false);
            }
            finally
            {
                telemetry.TaskDequeued();
            }
            using var activity = CucosTelemetry.StartTask(invocation);
            telemetry.TaskRunning();
            var started = Stopwatch.GetTimestamp();
            try
            {
                report = await ExecuteAsync(invocation).ConfigureAwait(false);
                telemetry.TaskAttemptEnded(invocation.TaskName, report.Outcome, started);
                CucosTelemetry.TaskSpanEnded(activity, report);
            }
            finally
            {
                telemetry.TaskNotRunning();
                slots.Release();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            logger.AttemptLeftToWatchdog(invocation.Attempt, invocation.TaskName);
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
        await DeliverAsync(invocation.AnalysisId, report).ConfigureAwait(false);
    }

    private async Task<AttemptReport> ExecuteAsync(TaskAttempt invocation)
    {
        var results = new StorageTaskResultStore(resultStorage, grains, invocation.AnalysisId, options.ReportDeliveryTimeout);
        var context = TaskContextFactory.ForAttempt(invocation, results, services);
        var attempt = await TaskRunner.CallAsync(registry, context, stopping.Token).ConfigureAwait(false);
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
