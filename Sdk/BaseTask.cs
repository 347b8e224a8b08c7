using System.Text.Json;
using System.Text.Json.Nodes;
using Cucos.Messages;

namespace Cucos.Sdk;

/// <summary>
/// A unit of analysis. A worker author writes <see cref="ExecuteAsync"/> and, where needed, overrides the
/// flow properties; the lifecycle around it (audit, persistence, error capture, retries) is implemented here once.
/// </summary>
public abstract class BaseTask
{
    /// <summary>The task's name: lower-case letters, digits, '_' and '-'.</summary>
    public abstract string Name { get; }

    /// <summary>One line for <c>cucos workers</c>.</summary>
    public abstract string Description { get; }

    /// <summary>The version of the task and of its result schema, recorded in every result.</summary>
    public virtual string Version => "1.0.0";

    /// <summary>Tasks to spawn once this one succeeded.</summary>
    public virtual IReadOnlyList<string> ChildTasks => [];

    /// <summary>Tasks whose results this one reads; it runs only after they succeeded and is skipped if one did not.</summary>
    public virtual IReadOnlyList<string> DependsOn => [];

    /// <summary>A task run once after this one and every task it spawned reached a final state.</summary>
    public virtual string? CallbackTask => null;

    public virtual RetryPolicy RetryPolicy => RetryPolicy.Default;

    /// <summary>How long one attempt may take before it is cancelled and counted as failed.</summary>
    public virtual TimeSpan Timeout => TimeSpan.FromMinutes(10);

    /// <summary>Whether init spawns this task in the default flow.</summary>
    public virtual bool InDefaultFlow => true;

    /// <summary>The only method a worker author must write: analyse and return the result document.</summary>
    public abstract Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken);

    /// <summary>Persists the result document, keyed by analysis and task.</summary>
    protected virtual async Task OnAfterExecuteAsync(TaskContext context, JsonElement document, CancellationToken cancellationToken)
    {
        if (!await context.Results.SaveAsync(context.TaskName, context.Attempt, document, cancellationToken).ConfigureAwait(false))
            throw new StaleAttemptException(context.TaskName, context.Attempt);
    }

    /// <summary>
    /// The lifecycle: execute, wrap the result with audit data, persist it; capture every failure as a report.
    /// Never throws, except for cancellation requested by the caller.
    /// </summary>
    public async Task<FinishedAttempt> RunAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var startedAt = context.Clock.GetUtcNow();
        using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attemptTimeout.CancelAfter(Timeout);
        try
        {
            var result = await ExecuteAsync(context, attemptTimeout.Token).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"task '{context.TaskName}' returned no result.");
            var endedAt = context.Clock.GetUtcNow();
            var document = BuildDocument(context, result, startedAt, endedAt);
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
            var timeout = new TimeoutException($"task '{context.TaskName}' did not finish within {Timeout}.");
            return Failure(context, startedAt, timeout, fatal: false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return Failure(context, startedAt, exception, fatal: false);
        }
    }

    /// <summary>The stored document: the result plus schema, release and audit data.</summary>
    public JsonElement BuildDocument(TaskContext context, TaskResult result, DateTimeOffset startedAt, DateTimeOffset endedAt)
    {
        var document = new JsonObject
        {
            ["status"] = result.Status,
            ["summary"] = result.Summary?.DeepClone(),
            ["details"] = result.Details?.DeepClone(),
            ["schema"] = new JsonObject { ["name"] = context.TaskName, ["version"] = Version },
            ["_release"] = context.Request.Release,
            ["_audit"] = new JsonObject
            {
                ["analysis_id"] = context.AnalysisId,
                ["started_at"] = startedAt.ToString("O"),
                ["ended_at"] = endedAt.ToString("O"),
                ["version"] = Version,
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
