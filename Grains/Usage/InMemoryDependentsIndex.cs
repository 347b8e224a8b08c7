using System.Text.Json;
using Cucos.Usage;

namespace Cucos.Grains.Usage;

/// <summary>
/// Dependents in the in-memory profile: the dependency_snapshot documents this silo's workers stored, indexed as
/// they are stored (memory grain storage cannot be searched). Each analysis counts with its latest stored document;
/// names match exactly, as in PostgreSQL's containment search.
/// </summary>
public sealed class InMemoryDependentsIndex : IDependentsIndex, IStoredResultObserver
{
    public const string SnapshotTask = "dependency_snapshot";

    private sealed record Snapshot(string Ecosystem, string Dependent, HashSet<string> Dependencies);

    private readonly Dictionary<string, Snapshot> byAnalysis = new(StringComparer.Ordinal);

    public void Stored(string analysisId, string taskName, JsonElement document)
    {
        if (taskName != SnapshotTask || Read(document) is not { } snapshot)
            return;
        lock (byAnalysis)
            byAnalysis[analysisId] = snapshot;
    }

    public Task<AnalysedDependents> FindAsync(string ecosystem, string name, int examples, CancellationToken cancellationToken)
    {
        List<string> dependents;
        lock (byAnalysis)
            dependents = [.. byAnalysis.Values
                .Where(s => string.Equals(s.Ecosystem, ecosystem, StringComparison.OrdinalIgnoreCase) && s.Dependencies.Contains(name))
                .Select(s => s.Dependent).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        return Task.FromResult(new AnalysedDependents(dependents.Count, [.. dependents.Take(examples)]));
    }

    /// <summary>The dependent (<c>name@version</c> from the document's <c>_release</c>) and its resolved direct dependencies.</summary>
    public static (string Ecosystem, string Dependent)? Release(JsonElement document)
    {
        if (document.ValueKind != JsonValueKind.Object || !document.TryGetProperty("_release", out var release) || release.GetString() is not { } text)
            return null;
        var first = text.IndexOf(':');
        var last = text.LastIndexOf(':');
        return first <= 0 || last <= first ? null : (text[..first], text[(first + 1)..last] + "@" + text[(last + 1)..]);
    }

    private static Snapshot? Read(JsonElement document)
    {
        if (Release(document) is not var (releaseEcosystem, dependent)
            || !document.TryGetProperty("details", out var details) || details.ValueKind != JsonValueKind.Object
            || !details.TryGetProperty("dependencies", out var list) || list.ValueKind != JsonValueKind.Array)
            return null;
        var ecosystem = details.TryGetProperty("ecosystem", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : releaseEcosystem;
        var dependencies = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dependency in list.EnumerateArray())
        {
            if (!dependency.TryGetProperty("resolved_version", out var resolved) || resolved.ValueKind != JsonValueKind.String)
                continue;
            var package = dependency.TryGetProperty("package", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()
                : dependency.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            if (package is not null)
                dependencies.Add(package);
        }
        return new Snapshot(ecosystem, dependent, dependencies);
    }
}
