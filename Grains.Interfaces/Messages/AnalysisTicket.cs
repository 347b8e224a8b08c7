namespace Cucos.Messages;

/// <summary>The answer to a start request: which analysis serves it, and whether this request created it.</summary>
[GenerateSerializer, Alias("cucos.AnalysisTicket")]
public sealed record AnalysisTicket(
    [property: Id(0)] string AnalysisId,
    [property: Id(1)] bool Created);
