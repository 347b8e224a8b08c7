using Microsoft.Extensions.Logging;

namespace Cucos.Grains.Telemetry;

/// <summary>The grains' and the executor's log lines, source-generated so a line below the level costs nothing.</summary>
internal static partial class GrainLog
{
    [LoggerMessage(1001, LogLevel.Information, "Analysis {AnalysisId} of {Release} started.")]
    public static partial void AnalysisStarted(this ILogger logger, string analysisId, string release);

    [LoggerMessage(1002, LogLevel.Warning, "Report of {Task} for unknown analysis {AnalysisId} ignored.")]
    public static partial void ReportForUnknownAnalysis(this ILogger logger, string task, string analysisId);

    [LoggerMessage(1003, LogLevel.Debug, "Duplicate or stale report of {Task} attempt {Attempt} ignored.")]
    public static partial void StaleReportIgnored(this ILogger logger, string task, int attempt);

    [LoggerMessage(1004, LogLevel.Warning, "Analysis {AnalysisId}: state could not be stored; dropping this activation's changes.")]
    public static partial void StateNotStored(this ILogger logger, Exception exception, string analysisId);

    [LoggerMessage(1005, LogLevel.Warning, "Dispatch of {Task} attempt {Attempt} failed ({Error}); it is tried again shortly.")]
    public static partial void DispatchFailed(this ILogger logger, string task, int attempt, string error);

    [LoggerMessage(1006, LogLevel.Information, "Analysis {AnalysisId} finished: {Status}.")]
    public static partial void AnalysisFinished(this ILogger logger, string analysisId, string status);

    [LoggerMessage(1007, LogLevel.Warning, "Could not remove the cache folder {CachePath}.")]
    public static partial void CacheNotRemoved(this ILogger logger, Exception exception, string cachePath);

    [LoggerMessage(1010, LogLevel.Information, "Task {Task} of analysis {AnalysisId} is re-run: {Reason}")]
    public static partial void TaskRerun(this ILogger logger, string task, string analysisId, string reason);

    [LoggerMessage(1011, LogLevel.Warning, "The analysis' watchdog reminder could not be registered ({Error}); a timer stands in and the next step tries again.")]
    public static partial void ReminderNotRegistered(this ILogger logger, string error);

    [LoggerMessage(1101, LogLevel.Information, "Silo stopping: attempt {Attempt} of {Task} left to the watchdog.")]
    public static partial void AttemptLeftToWatchdog(this ILogger logger, int attempt, string task);

    [LoggerMessage(1106, LogLevel.Information, "Attempt {Attempt} of {Task} stopped: its analysis was cancelled.")]
    public static partial void AttemptCancelled(this ILogger logger, int attempt, string task);

    [LoggerMessage(1008, LogLevel.Information, "Analysis {AnalysisId} cancelled; {Running} running attempt(s) told to stop.")]
    public static partial void AnalysisCancelled(this ILogger logger, string analysisId, int running);

    [LoggerMessage(1009, LogLevel.Warning, "Analysis {AnalysisId}: the executor could not be told to stop {Tasks}; their late reports are ignored.")]
    public static partial void CancelNotDelivered(this ILogger logger, Exception exception, string analysisId, string tasks);

    [LoggerMessage(1012, LogLevel.Warning, "Analysis {AnalysisId} could not be added to the list of analyses.")]
    public static partial void NotListed(this ILogger logger, Exception exception, string analysisId);

    [LoggerMessage(1102, LogLevel.Warning, "Task {Task} attempt {Attempt} failed: {ErrorType}: {Message}")]
    public static partial void AttemptFailed(this ILogger logger, string task, int attempt, string errorType, string message);

    [LoggerMessage(1103, LogLevel.Error, "Report of {Tasks} to analysis {AnalysisId} could not be delivered; the watchdog will run it again.")]
    public static partial void ReportNotDelivered(this ILogger logger, Exception exception, string tasks, string analysisId);

    [LoggerMessage(1104, LogLevel.Warning, "Attempts {Tasks} of analysis {AnalysisId} not run: the analysis did not dispatch them (stale, or sent by someone else).")]
    public static partial void AttemptsNotDispatched(this ILogger logger, string tasks, string analysisId);

    [LoggerMessage(1105, LogLevel.Error, "Attempts {Tasks} of analysis {AnalysisId} not run: the analysis could not be asked to confirm them; the watchdog will run them again.")]
    public static partial void AttemptsNotConfirmed(this ILogger logger, Exception exception, string tasks, string analysisId);

    [LoggerMessage(1108, LogLevel.Information, "Attempt {Attempt} of {Task} in analysis {AnalysisId} dropped when its task slot came: the analysis runs it no more (its lease ran out while it waited, or the analysis was cancelled).")]
    public static partial void QueuedAttemptStale(this ILogger logger, int attempt, string task, string analysisId);

    [LoggerMessage(1109, LogLevel.Error, "Attempt {Attempt} of {Task} in analysis {AnalysisId} not run: the analysis could not be told it starts; the watchdog will run it again.")]
    public static partial void AttemptStartNotRecorded(this ILogger logger, Exception exception, int attempt, string task, string analysisId);

    [LoggerMessage(1201, LogLevel.Warning, "Refused {Method} to client {Client}: the method belongs to the cluster.")]
    public static partial void OutsideCallRefused(this ILogger logger, string method, string client);
}
