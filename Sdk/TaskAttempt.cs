using System.Text.Json;
using Cucos.Orleans.Messages;

namespace Cucos.Orleans.Sdk;

/// <summary>How one run of a task ended: the report for the analysis, and the stored document when it succeeded.</summary>
public sealed record TaskAttempt(TaskReport Report, JsonElement? Document)
{
    public bool Succeeded => Report.Outcome == TaskOutcome.Succeeded;
}
