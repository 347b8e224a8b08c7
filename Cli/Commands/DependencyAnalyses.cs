using System.Globalization;
using System.Text.Json;
using Cucos.Cli.Output;
using Cucos.Client;
using Cucos.State;
using Cucos.Workers.Dependencies;

namespace Cucos.Cli.Commands;

/// <summary>One analysis with its results and the analyses its dependency_snapshot started, as <c>--output</c> writes it.</summary>
public sealed record AnalysisTreeNode(
    AnalysisSnapshot Analysis, IReadOnlyDictionary<string, JsonElement?> Results, IReadOnlyList<AnalysisTreeNode> Dependencies);

/// <summary>
/// Waits for the analyses an analysis' dependency_snapshot started (<c>analyse_dependencies=N</c>) and for the ones
/// those started, so that an embedded cluster is not stopped under them and their results reach <c>--output</c>.
/// Each package version is awaited once, however many analyses name it.
/// </summary>
internal sealed class DependencyAnalyses(ICucosClient client, bool withResults, TextWriter? progress)
{
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private readonly List<AnalysisSnapshot> finished = [];

    /// <summary>Every dependency analysis awaited, in the order they finished being awaited.</summary>
    public IReadOnlyList<AnalysisSnapshot> Finished => finished;

    /// <summary>The dependency analyses below <paramref name="analysis"/>, awaited; empty when it started none.</summary>
    public async Task<IReadOnlyList<AnalysisTreeNode>> BelowAsync(
        AnalysisSnapshot analysis, IReadOnlyDictionary<string, JsonElement?>? results, CancellationToken cancellationToken)
    {
        seen.Add(analysis.AnalysisId);
        var snapshot = results is not null
            ? results.GetValueOrDefault(DependencySnapshotTask.TaskName)
            : analysis.Tasks.ContainsKey(DependencySnapshotTask.TaskName)
                ? await client.GetResultAsync(analysis.AnalysisId, DependencySnapshotTask.TaskName, cancellationToken)
                : null;
        var started = StartedBy(snapshot).Where(seen.Add).ToArray();
        if (started.Length == 0)
            return [];
        progress?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Waiting for {started.Length} dependency {(started.Length == 1 ? "analysis" : "analyses")} of {AnalysisPrinter.Describe(analysis)}..."));

        var nodes = new List<AnalysisTreeNode>(started.Length);
        foreach (var id in started)
        {
            var dependency = await client.WaitForCompletionAsync(id, cancellationToken);
            finished.Add(dependency);
            progress?.WriteLine($"  {AnalysisPrinter.Describe(dependency)}: {dependency.Status.ToString().ToLowerInvariant()} ({id})");
            IReadOnlyDictionary<string, JsonElement?>? dependencyResults = withResults ? await ResultsAsync(client, dependency, cancellationToken) : null;
            nodes.Add(new AnalysisTreeNode(dependency, dependencyResults ?? new Dictionary<string, JsonElement?>(),
                await BelowAsync(dependency, dependencyResults, cancellationToken)));
        }
        return nodes;
    }

    /// <summary>Every task's stored result of the analysis, by task name.</summary>
    public static async Task<SortedDictionary<string, JsonElement?>> ResultsAsync(ICucosClient client, AnalysisSnapshot analysis, CancellationToken cancellationToken)
    {
        var results = new SortedDictionary<string, JsonElement?>(StringComparer.Ordinal);
        foreach (var name in analysis.Tasks.Keys)
            results[name] = await client.GetResultAsync(analysis.AnalysisId, name, cancellationToken);
        return results;
    }

    /// <summary>The ids in <c>details.analyses.started</c> of a dependency_snapshot result (snake_case, as stored).</summary>
    private static IEnumerable<string> StartedBy(JsonElement? snapshot)
    {
        if (snapshot is not { ValueKind: JsonValueKind.Object } document
            || !document.TryGetProperty("details", out var details) || details.ValueKind != JsonValueKind.Object
            || !details.TryGetProperty("analyses", out var analyses) || analyses.ValueKind != JsonValueKind.Object
            || !analyses.TryGetProperty("started", out var started) || started.ValueKind != JsonValueKind.Array)
            yield break;
        foreach (var entry in started.EnumerateArray())
            if (entry.TryGetProperty("analysis_id", out var id) && id.GetString() is { Length: > 0 } analysisId)
                yield return analysisId;
    }
}
