namespace Cucos.Sdk;

/// <summary>Where one task of an analysis stands, as a callback sees it.</summary>
public enum TaskViewStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
    RetryScheduled,
    Skipped,
}

/// <summary>
/// One task of the analysis as a callback sees it: what happened, not how the cluster arranged it (no leases,
/// no silo addresses).
/// </summary>
public sealed record TaskView
{
    public required string Name { get; init; }
    public TaskViewStatus Status { get; init; }
    /// <summary>Whether this entry is a callback rather than a task spawned by its parent.</summary>
    public bool IsCallback { get; init; }
    /// <summary>The task whose success spawned this one; null for the root.</summary>
    public string? SpawnedBy { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    /// <summary>The exception type of the latest error, or null.</summary>
    public string? ErrorType { get; init; }
    public string? ErrorMessage { get; init; }
    public string? SkipReason { get; init; }
    public System.Text.Json.JsonElement? Summary { get; init; }

    /// <summary>Succeeded, failed and skipped never change again.</summary>
    public bool IsFinal => Status is TaskViewStatus.Succeeded or TaskViewStatus.Failed or TaskViewStatus.Skipped;
}
