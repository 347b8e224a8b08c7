namespace Cucos.State;

/// <summary>Where one task of an analysis stands.</summary>
[GenerateSerializer, Alias("cucos.AnalysisTaskStatus")]
public enum AnalysisTaskStatus
{
    Pending = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
    RetryScheduled = 4,
    Skipped = 5,
}

public static class AnalysisTaskStatusExtensions
{
    /// <summary>Succeeded, failed and skipped never change again.</summary>
    public static bool IsFinal(this AnalysisTaskStatus status) =>
        status is AnalysisTaskStatus.Succeeded or AnalysisTaskStatus.Failed or AnalysisTaskStatus.Skipped;
}
