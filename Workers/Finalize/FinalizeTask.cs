using Cucos.Sdk;

namespace Cucos.Workers.Finalize;

/// <summary>The callback of init: runs once every task is final and writes the analysis summary.</summary>
public sealed class FinalizeTask : BaseTask
{
    public override string Name => CucosFlow.FinalizeTask;
    public override string Description => "Runs once after every task finished and writes the analysis summary.";
    public override bool InDefaultFlow => false;

    public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var tasks = (context.AnalysisTasks ?? new Dictionary<string, TaskView>())
            .Values.Where(t => t.Name != context.TaskName).OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
        var failed = tasks.Where(t => t.Status == TaskViewStatus.Failed)
            .Select(t => new { name = t.Name, attempts = t.Attempts, error_type = t.ErrorType, error = t.ErrorMessage }).ToArray();
        var skipped = tasks.Where(t => t.Status == TaskViewStatus.Skipped)
            .Select(t => new { name = t.Name, reason = t.SkipReason }).ToArray();
        var summary = new
        {
            tasks = tasks.Length,
            succeeded = tasks.Count(t => t.Status == TaskViewStatus.Succeeded),
            failed = failed.Length,
            skipped = skipped.Length,
            finished_at = context.Clock.GetUtcNow(),
        };
        var details = new
        {
            failed_tasks = failed,
            skipped_tasks = skipped,
            tasks = tasks.Select(t => new { name = t.Name, status = t.Status.ToString().ToLowerInvariant(), attempts = t.Attempts, started_at = t.StartedAt, ended_at = t.EndedAt }),
        };
        return Task.FromResult(TaskResult.Success(summary, details));
    }
}
