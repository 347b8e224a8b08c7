using System.Text.Json;
using Cucos.Reports;
using Cucos.State;

namespace Cucos.Client;

/// <summary>
/// Reads an analysis and every result its tasks stored, and, for an SBOM's deeper levels, the analyses dependency_snapshot
/// started for its dependencies (each once, at most <see cref="MaxAnalyses"/> in all).
/// </summary>
public static class AnalysisDocumentsLoader
{
    /// <summary>How many dependency analyses one load follows at most: a bound on what one SBOM request can make the cluster read.</summary>
    public const int MaxAnalyses = 500;

    /// <summary>The analysis with its documents; null when no analysis has this id.</summary>
    public static async Task<AnalysisDocuments?> LoadAsync(ICucosClient client, string analysisId, bool withDependencies,
        Func<string, string?>? purlTypeOf = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var seen = new HashSet<string>(StringComparer.Ordinal) { analysisId };
        return await LoadOneAsync(client, analysisId, withDependencies, purlTypeOf, seen, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The documents of an analysis already read.</summary>
    public static AnalysisDocuments From(AnalysisSnapshot snapshot, IReadOnlyDictionary<string, JsonElement> results, string? purlType = null,
        IReadOnlyList<AnalysisDocuments>? dependencies = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new AnalysisDocuments
        {
            AnalysisId = snapshot.AnalysisId,
            Ecosystem = snapshot.Request.Ecosystem,
            Name = snapshot.Request.Name,
            Version = snapshot.Request.Version,
            PurlType = purlType,
            Status = JsonNamingPolicy.SnakeCaseLower.ConvertName(snapshot.Status.ToString()),
            CreatedAt = snapshot.CreatedAt,
            FinishedAt = snapshot.FinishedAt,
            Results = results,
            DependencyAnalyses = dependencies ?? [],
        };
    }

    private static async Task<AnalysisDocuments?> LoadOneAsync(ICucosClient client, string analysisId, bool withDependencies,
        Func<string, string?>? purlTypeOf, HashSet<string> seen, CancellationToken cancellationToken)
    {
        var snapshot = await client.GetAnalysisAsync(analysisId, cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
            return null;
        var results = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (task, entry) in snapshot.Tasks)
            if (entry.Status == AnalysisTaskStatus.Succeeded
                && await client.GetResultAsync(analysisId, task, cancellationToken).ConfigureAwait(false) is { } document)
                results[task] = document;

        var dependencies = new List<AnalysisDocuments>();
        if (withDependencies && results.TryGetValue("dependency_snapshot", out var snapshotResult)
            && snapshotResult.TryGetProperty("details", out var details) && details.TryGetProperty("analyses", out var analyses)
            && analyses.TryGetProperty("started", out var started) && started.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in started.EnumerateArray())
            {
                if (!entry.TryGetProperty("analysis_id", out var idElement) || idElement.GetString() is not { Length: > 0 } id)
                    continue;
                if (seen.Count >= MaxAnalyses || !seen.Add(id))
                    continue;
                if (await LoadOneAsync(client, id, withDependencies, purlTypeOf, seen, cancellationToken).ConfigureAwait(false) is { } dependency)
                    dependencies.Add(dependency);
            }
        }
        return From(snapshot, results, purlTypeOf?.Invoke(snapshot.Request.Ecosystem), dependencies);
    }
}
