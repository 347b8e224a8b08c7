using Cucos.State;

namespace Cucos.Messages;

/// <summary>One attempt of one task in one analysis, as the analysis hands it to a worker or callback grain.</summary>
[GenerateSerializer, Alias("cucos.TaskAttempt")]
public sealed record TaskAttempt
{
    [Id(0)] public required string AnalysisId { get; init; }
    [Id(1)] public required string TaskName { get; init; }
    [Id(2)] public required int Attempt { get; init; }
    [Id(3)] public required AnalysisRequest Request { get; init; }
    [Id(4)] public required string CachePath { get; init; }
    /// <summary>For callbacks: every task of the analysis as it stood when the callback was due.</summary>
    [Id(5)] public Dictionary<string, AnalysisTask>? AnalysisTasks { get; init; }
}
