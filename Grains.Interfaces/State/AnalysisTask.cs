using System.Text.Json;
using Cucos.Messages;

namespace Cucos.State;

/// <summary>Whether a node of the flow runs on a worker or is a callback run once by the callback grain.</summary>
[GenerateSerializer, Alias("cucos.AnalysisTaskKind")]
public enum AnalysisTaskKind
{
    Task = 0,
    Callback = 1,
}

/// <summary>One task of one analysis: its place in the flow and the story of its attempts.</summary>
[GenerateSerializer, Alias("cucos.AnalysisTask")]
public sealed record AnalysisTask
{
    [Id(0)] public required string Name { get; init; }
    [Id(1)] public AnalysisTaskKind Kind { get; init; }
    /// <summary>The task whose success spawned this one; null for the root.</summary>
    [Id(2)] public string? SpawnedBy { get; init; }
    /// <summary>Tasks whose results this one needs; it runs only after they succeeded.</summary>
    [Id(3)] public string[] DependsOn { get; init; } = [];
    /// <summary>For callbacks: the task whose whole subtree must be final first.</summary>
    [Id(4)] public string? CallbackFor { get; init; }
    [Id(5)] public AnalysisTaskStatus Status { get; set; }
    /// <summary>Attempts started so far.</summary>
    [Id(6)] public int Attempts { get; set; }
    [Id(7)] public int MaxAttempts { get; init; } = 1;
    [Id(8)] public DateTimeOffset? StartedAt { get; set; }
    [Id(9)] public DateTimeOffset? EndedAt { get; set; }
    [Id(10)] public DateTimeOffset? NextAttemptAt { get; set; }
    /// <summary>When a running attempt is presumed lost if it has not reported.</summary>
    [Id(11)] public DateTimeOffset? LeaseExpiresAt { get; set; }
    /// <summary>The latest error; earlier ones are in <see cref="PastErrors"/>.</summary>
    [Id(12)] public TaskError? Error { get; set; }
    [Id(13)] public List<TaskError> PastErrors { get; init; } = [];
    [Id(14)] public string? SkipReason { get; set; }
    [Id(15)] public JsonElement? Summary { get; set; }
    /// <summary>Attempts that never reached a worker (the dispatch failed); they do not count against the retry policy.</summary>
    [Id(16)] public int UndeliveredAttempts { get; set; }
    /// <summary>The silo running the current attempt, so the watchdog can tell when it died.</summary>
    [Id(17)] public string? RunningOn { get; set; }
    /// <summary>Attempts that counted against the retry policy before the latest re-run; a re-run gets the whole policy again.</summary>
    [Id(18)] public int AttemptsBeforeRerun { get; set; }
    /// <summary>Attempts lost with the silo that ran them; the first few do not count against the retry policy.</summary>
    [Id(19)] public int SiloLosses { get; set; }
    /// <summary>
    /// When the current attempt got one of its silo's task slots and began to run; null while it waits in the silo's
    /// queue. Callbacks run at once and never set it.
    /// </summary>
    [Id(20)] public DateTimeOffset? AttemptStartedAt { get; set; }
    /// <summary>
    /// Attempts lost before they started: their silo died, or their lease ran out, while they waited for a task slot.
    /// They are no fault of the task and do not count against its retry policy, up to a cap.
    /// </summary>
    [Id(21)] public int QueuedLosses { get; set; }
}
