using System.Text.Json;

namespace Cucos.Reports;

/// <summary>
/// One analysis and the result documents its tasks stored (keyed by task name, as <c>GET .../results/{task}</c> and
/// <c>analyze --output</c> give them): what every report here is built from. <see cref="DependencyAnalyses"/> are the
/// analyses dependency_snapshot started for the dependencies, when the caller has them: they give an SBOM its deeper levels.
/// </summary>
public sealed record AnalysisDocuments
{
    public required string AnalysisId { get; init; }
    public required string Ecosystem { get; init; }
    public required string Name { get; init; }
    public required string Version { get; init; }
    /// <summary>The ecosystem's purl type (<c>IEcosystem.PurlType</c>); null for the built-in table of <see cref="Purl.PurlTypes.ForEcosystem"/>.</summary>
    public string? PurlType { get; init; }
    /// <summary>The analysis status as the API writes it (succeeded, completed_with_failures, failed, running, ...).</summary>
    public string Status { get; init; } = "succeeded";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public IReadOnlyDictionary<string, JsonElement> Results { get; init; } = new Dictionary<string, JsonElement>();
    public IReadOnlyList<AnalysisDocuments> DependencyAnalyses { get; init; } = [];

    /// <summary>The task's result document, or null when it stored none.</summary>
    public JsonElement? Result(string taskName) => Results.TryGetValue(taskName, out var document) && document.ValueKind == JsonValueKind.Object ? document : null;

    /// <summary>The task's <c>details</c> object, or null.</summary>
    public JsonElement? Details(string taskName) => Result(taskName) is { } document && document.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Object ? details : null;

    /// <summary>The task's <c>summary</c> object, or null.</summary>
    public JsonElement? Summary(string taskName) => Result(taskName) is { } document && document.TryGetProperty("summary", out var summary) && summary.ValueKind == JsonValueKind.Object ? summary : null;

    public string Release => $"{Ecosystem}:{Name}@{Version}";
}
