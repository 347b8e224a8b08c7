using System.Text.Json;
using Cucos.Messages;

namespace Cucos.Grains.Execution;

/// <summary>How one run of a task ended: the report for the analysis, and the stored document when it succeeded.</summary>
public sealed record FinishedAttempt(AttemptReport Report, JsonElement? Document)
{
    public bool Succeeded => Report.Outcome == AttemptOutcome.Succeeded;
}
