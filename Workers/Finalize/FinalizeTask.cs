using Cucos.Sdk;

namespace Cucos.Workers.Finalize;

/// <summary>The callback of init: runs once every task is final and writes the analysis summary.</summary>
public sealed class FinalizeTask : BaseTask
{
    public override string Name => CucosFlow.FinalizeTask;
    public override bool ReadsPackageFiles => false; // results and the request only
    public override string Description => "Runs once after every task finished and writes the analysis summary.";
    public override bool InDefaultFlow => false;

    public override Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var tasks = (context.AnalysisTasks ?? new Dictionary<string, TaskView>())
            .Values.Where(t => t.Name != context.TaskName).OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
        FailedTask[] failed = [.. tasks.Where(t => t.Status == TaskViewStatus.Failed)
            .Select(t => new FailedTask(t.Name, t.Attempts, t.ErrorType, t.ErrorMessage))];
        SkippedTask[] skipped = [.. tasks.Where(t => t.Status == TaskViewStatus.Skipped).Select(t => new SkippedTask(t.Name, t.SkipReason))];
        var summary = new FinalizeSummary(
            tasks.Length, tasks.Count(t => t.Status == TaskViewStatus.Succeeded), failed.Length, skipped.Length, context.Clock.GetUtcNow());
        var details = new FinalizeDetails(
            failed,
            skipped,
            [.. tasks.Select(t => new FinishedTask(t.Name, t.Status.ToString().ToLowerInvariant(), t.Attempts, t.StartedAt, t.EndedAt))]);
        return Task.FromResult(TaskResult.Success(summary, details));
    }
}
