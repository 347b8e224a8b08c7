using System.Text.Json;

namespace Cucos.Messages;

/// <summary>How an attempt ended, as reported to the analysis.</summary>
[GenerateSerializer, Alias("cucos.AttemptOutcome")]
public enum AttemptOutcome
{
    Succeeded = 0,
    Failed = 1,
    /// <summary>The task asked to run again after <see cref="AttemptReport.RetryAfter"/>.</summary>
    RetryRequested = 2,
}

/// <summary>A worker's report of one attempt back to its analysis. Reports are idempotent by (task, attempt).</summary>
[GenerateSerializer, Alias("cucos.AttemptReport")]
public sealed record AttemptReport
{
    [Id(0)] public required string TaskName { get; init; }
    [Id(1)] public required int Attempt { get; init; }
    [Id(2)] public required AttemptOutcome Outcome { get; init; }
    [Id(3)] public DateTimeOffset StartedAt { get; init; }
    [Id(4)] public DateTimeOffset EndedAt { get; init; }
    [Id(5)] public TaskError? Error { get; init; }
    [Id(6)] public TimeSpan? RetryAfter { get; init; }
    /// <summary>The result's summary, kept small so the analysis can show it without loading the result.</summary>
    [Id(7)] public JsonElement? Summary { get; init; }
}
