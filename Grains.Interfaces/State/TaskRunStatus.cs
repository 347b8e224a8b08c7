namespace Cucos.Orleans.State;

/// <summary>Where one task of an analysis stands.</summary>
[GenerateSerializer, Alias("cucos.TaskRunStatus")]
public enum TaskRunStatus
{
    Pending = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
    RetryScheduled = 4,
    Skipped = 5,
}

public static class TaskRunStatusExtensions
{
    /// <summary>Succeeded, failed and skipped never change again.</summary>
    public static bool IsFinal(this TaskRunStatus status) =>
        status is TaskRunStatus.Succeeded or TaskRunStatus.Failed or TaskRunStatus.Skipped;
}
