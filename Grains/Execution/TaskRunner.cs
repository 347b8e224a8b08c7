using System.Text.Json;
using System.Text.Json.Nodes;
using Cucos.Messages;
using Cucos.Sdk;

namespace Cucos.Grains.Execution;

/// <summary>
/// The lifecycle of one attempt, the same for the silo's executor and <c>cucos worker</c>, in the seed's steps:
/// <see cref="CallAsync"/> (find the task, then run it) → <see cref="RunAsync"/> (timeout, error capture, the report)
/// → <see cref="ExecuteAsync"/> (the author's method) → <see cref="OnAfterExecuteAsync"/> (persist the document).
/// Child tasks and the callback are the flow's business once the report is applied (<c>AnalysisFlow</c>).
/// </summary>
public static class TaskRunner
{
    /// <summary>
    /// call: creates the task <see cref="TaskContext.TaskName"/> names, its constructor's services taken from the
    /// context, and runs it. A task that cannot be created (unknown, or its constructor throws) ends the attempt as
    /// failed, fatally when no retry can help. Never throws, except for cancellation requested by the caller.
    /// </summary>
    public static async Task<FinishedAttempt> CallAsync(TaskRegistry registry, TaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(context);
        BaseTask task;
        try
        {
            task = registry.Create(context.TaskName, context.Services);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            var now = context.Clock.GetUtcNow();
            return Failure(context, now, exception, fatal: exception is KeyNotFoundException or FatalTaskException);
        }
        return await RunAsync(task, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// run: executes the task within its timeout, wraps the result with audit data and persists it; captures every
    /// failure as a report. Never throws, except for cancellation requested by the caller.
    /// </summary>
    public static async Task<FinishedAttempt> RunAsync(BaseTask task, TaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(context);
        var startedAt = context.Clock.GetUtcNow();
        using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attemptTimeout.CancelAfter(task.Timeout);
        try
        {
            var result = await ExecuteAsync(task, context, attemptTimeout.Token).ConfigureAwait(false);
            var endedAt = context.Clock.GetUtcNow();
            var document = BuildDocument(task, context, result, startedAt, endedAt);
            await OnAfterExecuteAsync(context, document, attemptTimeout.Token).ConfigureAwait(false);
            return new FinishedAttempt(Report(context, AttemptOutcome.Succeeded, startedAt, endedAt) with
            {
                Summary = result.Summary is null ? null : TaskJson.ToElement(result.Summary),
            }, document);
        }
        catch (RetryTaskException retry)
        {
            return Failure(context, startedAt, retry, fatal: false, AttemptOutcome.RetryRequested, retry.RetryAfter);
        }
        catch (FatalTaskException fatal)
        {
            return Failure(context, startedAt, fatal, fatal: true);
        }
        catch (OperationCanceledException) when (attemptTimeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var timeout = new TimeoutException($"task '{context.TaskName}' did not finish within {task.Timeout}.");
            return Failure(context, startedAt, timeout, fatal: false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return Failure(context, startedAt, exception, fatal: false);
        }
    }

    /// <summary>execute: the author's <see cref="BaseTask.ExecuteAsync"/>, which must return a result.</summary>
    public static async Task<TaskResult> ExecuteAsync(BaseTask task, TaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(context);
        return await task.ExecuteAsync(context, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"task '{context.TaskName}' returned no result.");
    }

    /// <summary>
    /// on_after_execute: persists the result document, keyed by analysis and task. A later attempt's document
    /// already stored wins: this attempt fails with <see cref="StaleAttemptException"/>.
    /// </summary>
    public static async Task OnAfterExecuteAsync(TaskContext context, JsonElement document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!await context.Results.SaveAsync(context.TaskName, context.Attempt, document, cancellationToken).ConfigureAwait(false))
            throw new StaleAttemptException(context.TaskName, context.Attempt);
    }

    /// <summary>The stored document: the result plus schema, release and audit data.</summary>
    public static JsonElement BuildDocument(BaseTask task, TaskContext context, TaskResult result, DateTimeOffset startedAt, DateTimeOffset endedAt)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(result);
        var document = new JsonObject
        {
            ["status"] = result.Status,
            ["summary"] = result.Summary?.DeepClone(),
            ["details"] = result.Details?.DeepClone(),
            ["schema"] = new JsonObject { ["name"] = context.TaskName, ["version"] = task.Version },
            ["_release"] = context.Request.Release,
            ["_audit"] = new JsonObject
            {
                ["analysis_id"] = context.AnalysisId,
                ["started_at"] = startedAt.ToString("O"),
                ["ended_at"] = endedAt.ToString("O"),
                ["version"] = task.Version,
                ["attempt"] = context.Attempt,
            },
        };
        return TaskJson.ToElement(document);
    }

    private static AttemptReport Report(TaskContext context, AttemptOutcome outcome, DateTimeOffset startedAt, DateTimeOffset endedAt) => new()
    {
        TaskName = context.TaskName,
        Attempt = context.Attempt,
        Outcome = outcome,
        StartedAt = startedAt,
        EndedAt = endedAt,
    };

    private static FinishedAttempt Failure(
        TaskContext context, DateTimeOffset startedAt, Exception exception, bool fatal,
        AttemptOutcome outcome = AttemptOutcome.Failed, TimeSpan? retryAfter = null)
    {
        var endedAt = context.Clock.GetUtcNow();
        var report = Report(context, outcome, startedAt, endedAt) with
        {
            Error = TaskError.From(exception, fatal, context.Attempt, endedAt),
            RetryAfter = retryAfter,
        };
        return new FinishedAttempt(report, null);
    }
}
