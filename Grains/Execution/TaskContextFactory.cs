using Cucos.Messages;
using Cucos.Sdk;
using Cucos.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cucos.Grains.Execution;

/// <summary>
/// Builds the <see cref="TaskContext"/> of an attempt, in one place for the silo's executor, <c>cucos worker</c>
/// and the tests: what the task sees of the request, the cache folder's layout, its logger, and for callbacks
/// the read-only view of the analysis.
/// </summary>
public static class TaskContextFactory
{
    /// <summary>The context of an attempt the analysis dispatched: the package laid out in its cache folder.</summary>
    public static TaskContext ForAttempt(ConfirmedAttempt confirmed, ITaskResultStore results, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(confirmed);
        var (attempt, request, cachePath, tasks) = confirmed;
        var (packagePath, artifactDirectory) = AnalysisCache.Layout(cachePath);
        return Create(attempt.AnalysisId, attempt.TaskName, attempt.Attempt, ToRequestView(request), cachePath,
            packagePath, artifactDirectory, results, services, Views(tasks));
    }

    /// <summary>
    /// The context of a task run on its own. <paramref name="packagePath"/> null lays the package out in
    /// <paramref name="cachePath"/> (for init); otherwise the task reads that folder as the package, with no artifact.
    /// </summary>
    public static TaskContext Create(
        string analysisId, string taskName, int attempt, RequestView request, string cachePath, string? packagePath,
        ITaskResultStore results, IServiceProvider services)
    {
        var (laidOut, artifactDirectory) = packagePath is null ? AnalysisCache.Layout(cachePath) : (packagePath, "");
        return Create(analysisId, taskName, attempt, request, cachePath, laidOut, artifactDirectory, results, services, analysisTasks: null);
    }

    private static TaskContext Create(
        string analysisId, string taskName, int attempt, RequestView request, string cachePath, string packagePath, string artifactDirectory,
        ITaskResultStore results, IServiceProvider services, IReadOnlyDictionary<string, TaskView>? analysisTasks)
    {
        ArgumentNullException.ThrowIfNull(services);
        var loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        return new TaskContext
        {
            AnalysisId = analysisId,
            TaskName = taskName,
            Attempt = attempt,
            Request = request,
            CachePath = cachePath,
            PackagePath = packagePath,
            ArtifactDirectory = artifactDirectory,
            Results = results,
            AnalysisTasks = analysisTasks,
            Services = services,
            Logger = loggers.CreateLogger("Cucos.Tasks." + taskName),
            Clock = services.GetService<TimeProvider>() ?? TimeProvider.System,
        };
    }

    /// <summary>What a task sees of an analysis request.</summary>
    public static RequestView ToRequestView(this AnalysisRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new RequestView
        {
            Ecosystem = request.Ecosystem,
            Name = request.Name,
            Version = request.Version,
            SourcePath = request.SourcePath,
            Tasks = request.Tasks,
            Parameters = request.Parameters,
        };
    }

    /// <summary>What a callback sees of one task of its analysis.</summary>
    public static TaskView ToView(this AnalysisTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new TaskView
        {
            Name = task.Name,
            Status = task.Status switch
            {
                AnalysisTaskStatus.Pending => TaskViewStatus.Pending,
                AnalysisTaskStatus.Running => TaskViewStatus.Running,
                AnalysisTaskStatus.Succeeded => TaskViewStatus.Succeeded,
                AnalysisTaskStatus.Failed => TaskViewStatus.Failed,
                AnalysisTaskStatus.RetryScheduled => TaskViewStatus.RetryScheduled,
                AnalysisTaskStatus.Skipped => TaskViewStatus.Skipped,
                _ => throw new ArgumentOutOfRangeException(nameof(task), task.Status, "a task status this version does not know"),
            },
            IsCallback = task.Kind == AnalysisTaskKind.Callback,
            SpawnedBy = task.SpawnedBy,
            Attempts = task.Attempts,
            StartedAt = task.StartedAt,
            EndedAt = task.EndedAt,
            ErrorType = task.Error?.Type,
            ErrorMessage = task.Error?.Message,
            SkipReason = task.SkipReason,
            Summary = task.Summary,
        };
    }

    private static Dictionary<string, TaskView>? Views(Dictionary<string, AnalysisTask>? tasks) =>
        tasks?.ToDictionary(t => t.Key, t => t.Value.ToView(), StringComparer.Ordinal);
}
