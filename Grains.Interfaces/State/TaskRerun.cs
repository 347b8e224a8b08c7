namespace Cucos.State;

/// <summary>
/// One re-run of a task of a finished analysis, kept in the analysis as its audit trail: who asked, why, when, which
/// tasks it reset, and when the analysis was final again.
/// </summary>
[GenerateSerializer, Alias("cucos.TaskRerun")]
public sealed record TaskRerun
{
    /// <summary>The task that was asked for.</summary>
    [Id(0)] public required string TaskName { get; init; }
    [Id(1)] public required string Reason { get; init; }
    /// <summary>Who asked: an operator, the HTTP API's caller, or a grain such as an advisory source's refresh.</summary>
    [Id(2)] public required string RequestedBy { get; init; }
    [Id(3)] public DateTimeOffset RequestedAt { get; init; }
    /// <summary>Every task it reset: the one asked for, the tasks that depend on it or that it spawned, and the callbacks above them.</summary>
    [Id(4)] public string[] Tasks { get; init; } = [];
    /// <summary>The analysis' status before the re-run.</summary>
    [Id(5)] public AnalysisStatus PreviousStatus { get; init; }
    /// <summary>When the analysis was final again; null while the re-run is pending.</summary>
    [Id(6)] public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>The analysis' status once the re-run was over.</summary>
    [Id(7)] public AnalysisStatus? Status { get; set; }
}

/// <summary>Whether a re-run call started one, or found the same one still pending and changed nothing.</summary>
[GenerateSerializer, Alias("cucos.TaskRerunOutcome")]
public enum TaskRerunOutcome
{
    Started = 0,
    AlreadyPending = 1,
}

/// <summary>What <c>IAnalysisGrain.RerunTaskAsync</c> answers.</summary>
[GenerateSerializer, Alias("cucos.TaskRerunResult")]
public sealed record TaskRerunResult
{
    [Id(0)] public required string AnalysisId { get; init; }
    [Id(1)] public TaskRerunOutcome Outcome { get; init; }
    /// <summary>The re-run as recorded in the analysis (the pending one, for <see cref="TaskRerunOutcome.AlreadyPending"/>).</summary>
    [Id(2)] public required TaskRerun Rerun { get; init; }
    /// <summary>The analysis' revision once the re-run was stored; a client long-polls from here.</summary>
    [Id(3)] public long Revision { get; init; }
}

/// <summary>Why a re-run was refused, for a caller that maps it to an answer (the HTTP API: 404, 409, 400).</summary>
[GenerateSerializer, Alias("cucos.TaskRerunRefusal")]
public enum TaskRerunRefusal
{
    /// <summary>No analysis has this id.</summary>
    AnalysisNotFound = 0,
    /// <summary>The analysis is still running (and not because of a re-run of this task).</summary>
    AnalysisNotFinished = 1,
    /// <summary>The analysis has no task of that name.</summary>
    UnknownTask = 2,
    /// <summary>A task the asked-for one needs did not succeed, so it would only be skipped again.</summary>
    PrerequisiteNotSucceeded = 3,
    /// <summary>A callback is not re-run on its own: re-run the task it is the callback of.</summary>
    CallbackTask = 4,
    /// <summary>An argument was empty.</summary>
    InvalidArgument = 5,
}

/// <summary>A re-run the analysis refused, with a sentence that says what was wrong and what to do.</summary>
[GenerateSerializer, Alias("cucos.TaskRerunRefusedException")]
public sealed class TaskRerunRefusedException : InvalidOperationException
{
    public TaskRerunRefusedException(TaskRerunRefusal refusal, string message) : base(message) => Refusal = refusal;

    /// <summary>For the serializer, which sets the message and the refusal itself.</summary>
    private TaskRerunRefusedException()
    {
    }

    [Id(0)] public TaskRerunRefusal Refusal { get; private set; }
}
