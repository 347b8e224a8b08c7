using Cucos.State;

namespace Cucos.Messages;

/// <summary>
/// One attempt of one task in one analysis, as the analysis hands it to the executor or a callback grain: its name
/// and nothing else. The executor asks the analysis for the rest (<see cref="DispatchedAttempts"/>), so no caller can
/// hand it a request, a cache folder or an attempt the analysis did not dispatch.
/// </summary>
[GenerateSerializer, Alias("cucos.TaskAttempt")]
public sealed record TaskAttempt
{
    [Id(0)] public required string AnalysisId { get; init; }
    [Id(1)] public required string TaskName { get; init; }
    [Id(2)] public required int Attempt { get; init; }
}

/// <summary>What an analysis confirms of attempts it was asked about: those it dispatched, and what they run on.</summary>
[GenerateSerializer, Alias("cucos.DispatchedAttempts")]
public sealed record DispatchedAttempts
{
    /// <summary>The analysis' own request.</summary>
    [Id(0)] public required AnalysisRequest Request { get; init; }

    /// <summary>The attempts asked about that are running now as dispatched; the others were never dispatched or are stale.</summary>
    [Id(1)] public required TaskAttempt[] Confirmed { get; init; }

    /// <summary>When a callback is among them: every task of the analysis as it stands.</summary>
    [Id(2)] public Dictionary<string, AnalysisTask>? AnalysisTasks { get; init; }
}
