using System.Text.Json;
using Cucos.Reports.Ssdeep;

namespace Cucos.Reports.Diff;

/// <summary>
/// The pure comparison of two analyses' stored result documents; a changed file's similarity is the ssdeep score of its
/// two digests (<see cref="FuzzyHashComparer"/>).
/// </summary>
public static class VersionComparer
{
    private static readonly string[] ComparedTasks = ["init", "digests", "metadata", "source_licenses", "dependency_snapshot", "supply_chain", "security_issues"];

    /// <exception cref="DiffException">The analyses are of different packages, or one has not finished or failed.</exception>
    public static VersionDiff Compare(AnalysisDocuments from, AnalysisDocuments to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (!string.Equals(from.Ecosystem, to.Ecosystem, StringComparison.Ordinal) || !string.Equals(from.Name, to.Name, StringComparison.Ordinal))
            throw new DiffException($"{from.Release} and {to.Release} are different packages: a diff compares two versions of one package. " +
                "Give two versions of the same ECOSYSTEM:NAME.");
        CheckComparable(from);
        CheckComparable(to);
        return new VersionDiff
        {
            Ecosystem = from.Ecosystem,
            Name = from.Name,
            From = new DiffSide(from.AnalysisId, from.Version, from.Status),
            To = new DiffSide(to.AnalysisId, to.Version, to.Status),
            Files = CompareFiles(from, to),
            Licences = new LicenceChanges(Change(DeclaredLicence(from), DeclaredLicence(to)), Change(ConcludedLicence(from), ConcludedLicence(to))),
            Dependencies = CompareDependencies(from, to),
            SupplyChain = CompareSupplyChain(from, to),
            Advisories = CompareAdvisories(from, to),
            Size = new SizeChange(Bytes(from), Bytes(to), FileCount(from), FileCount(to)),
            MissingResults = [.. ComparedTasks.Where(task => from.Result(task) is null || to.Result(task) is null)],
        };
    }

    private static void CheckComparable(AnalysisDocuments analysis)
    {
        if (analysis.FinishedAt is null)
            throw new DiffException($"analysis {analysis.AnalysisId} of {analysis.Release} has not finished (it is {analysis.Status}): " +
                "a diff is made from final results. Wait for it and ask again.");
        if (analysis.Status is "failed" || analysis.Result("init") is null)
            throw new DiffException($"analysis {analysis.AnalysisId} of {analysis.Release} ended {analysis.Status} without the package's files " +
                "(its init stored no result), so there is nothing to compare. Analyse the version again (cucos analyze --force) and diff that.");
    }

    private static FileChanges CompareFiles(AnalysisDocuments from, AnalysisDocuments to)
    {
        var before = Files(from);
        var after = Files(to);
        var added = after.Values.Where(f => !before.ContainsKey(f.Path)).Select(f => new DiffFile(f.Path, f.Size, f.Sha256)).ToList();
        var removed = before.Values.Where(f => !after.ContainsKey(f.Path)).Select(f => new DiffFile(f.Path, f.Size, f.Sha256)).ToList();
        var changed = new List<ChangedFile>();
        var unchanged = 0;
        foreach (var old in before.Values)
        {
            if (!after.TryGetValue(old.Path, out var now))
                continue;
            if (old.Sha256 == now.Sha256 && old.Size == now.Size)
            {
                unchanged++;
                continue;
            }
            int? similarity = old.Ssdeep is not null && now.Ssdeep is not null ? Similarity(old.Ssdeep, now.Ssdeep) : null;
            changed.Add(new ChangedFile(old.Path, old.Size, now.Size, old.Sha256, now.Sha256, similarity));
        }
        return new FileChanges(added, removed, changed, unchanged);
    }

    /// <summary>A digest the comparer cannot read scores nothing rather than failing the whole diff.</summary>
    private static int? Similarity(string a, string b)
    {
        try
        {
            return FuzzyHashComparer.Compare(a, b);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private sealed record FileRow(string Path, long Size, string? Sha256, string? Ssdeep);

    private static SortedDictionary<string, FileRow> Files(AnalysisDocuments analysis)
    {
        var files = new SortedDictionary<string, FileRow>(StringComparer.Ordinal);
        foreach (var file in analysis.Details("digests").Array("files"))
            if (file.String("path") is { } path)
                files.TryAdd(path, new FileRow(path, file.Integer("size") ?? 0, file.String("sha256"), file.String("ssdeep")));
        return files;
    }

    private static string? DeclaredLicence(AnalysisDocuments analysis) =>
        analysis.Details("metadata").Object("declared_license").String("expression")
        ?? analysis.Details("metadata").Object("declared_license").String("raw")
        ?? analysis.Summary("source_licenses").String("declared");

    private static string? ConcludedLicence(AnalysisDocuments analysis) =>
        analysis.Details("source_licenses").String("expression") ?? analysis.Summary("source_licenses").String("expression");

    private static ValueChange? Change(string? from, string? to) => string.Equals(from, to, StringComparison.Ordinal) ? null : new ValueChange(from, to);

    private static DependencyChanges CompareDependencies(AnalysisDocuments from, AnalysisDocuments to)
    {
        var before = Dependencies(from);
        var after = Dependencies(to);
        var changed = new List<ChangedDependency>();
        foreach (var (name, old) in before)
        {
            if (!after.TryGetValue(name, out var now))
                continue;
            var spec = Change(old.Spec, now.Spec);
            var resolved = Change(old.ResolvedVersion, now.ResolvedVersion);
            if (spec is not null || resolved is not null)
                changed.Add(new ChangedDependency(name, spec, resolved));
        }
        return new DependencyChanges(
            [.. after.Values.Where(d => !before.ContainsKey(d.Name))],
            [.. before.Values.Where(d => !after.ContainsKey(d.Name))],
            changed);
    }

    /// <summary>dependency_snapshot's resolved list when it ran; else metadata's declared one, without resolved versions.</summary>
    private static SortedDictionary<string, DiffDependency> Dependencies(AnalysisDocuments analysis)
    {
        var dependencies = new SortedDictionary<string, DiffDependency>(StringComparer.Ordinal);
        var source = analysis.Details("dependency_snapshot") is { } snapshot ? snapshot.Array("dependencies") : analysis.Details("metadata").Array("dependencies");
        foreach (var dependency in source)
            if (dependency.String("name") is { } name)
                dependencies.TryAdd(name, new DiffDependency(name, dependency.String("spec"), dependency.String("resolved_version")));
        return dependencies;
    }

    private static SupplyChainChanges CompareSupplyChain(AnalysisDocuments from, AnalysisDocuments to)
    {
        var scriptsBefore = InstallScripts(from);
        var scriptsAfter = InstallScripts(to);
        var capabilitiesBefore = Capabilities(from);
        var capabilitiesAfter = Capabilities(to);
        return new SupplyChainChanges(
            [.. scriptsAfter.Except(scriptsBefore)], [.. scriptsBefore.Except(scriptsAfter)],
            [.. capabilitiesAfter.Except(capabilitiesBefore)], [.. capabilitiesBefore.Except(capabilitiesAfter)],
            Change(from.Details("supply_chain").String("risk"), to.Details("supply_chain").String("risk")));
    }

    private static List<InstallScript> InstallScripts(AnalysisDocuments analysis) =>
        [.. analysis.Details("supply_chain").Array("install_hooks")
            .Where(hook => hook.String("hook") is not null)
            .Select(hook => new InstallScript(hook.String("hook")!, hook.String("command") ?? ""))
            .Distinct().OrderBy(s => s.Hook, StringComparer.Ordinal).ThenBy(s => s.Command, StringComparer.Ordinal)];

    private static List<Capability> Capabilities(AnalysisDocuments analysis)
    {
        var details = analysis.Details("supply_chain");
        return [.. details.Array("signals").Concat(details.Array("drivers"))
            .Where(signal => signal.String("family") is not null && signal.String("rule") is not null)
            .Select(signal => new Capability(signal.String("family")!, signal.String("rule")!))
            .Distinct().OrderBy(c => c.Family, StringComparer.Ordinal).ThenBy(c => c.Rule, StringComparer.Ordinal)];
    }

    private static AdvisoryChanges CompareAdvisories(AnalysisDocuments from, AnalysisDocuments to)
    {
        var before = Advisories(from);
        var after = Advisories(to);
        return new AdvisoryChanges(
            [.. before.Where(a => !after.ContainsKey(a.Key)).Select(a => a.Value)],
            [.. after.Where(a => !before.ContainsKey(a.Key)).Select(a => a.Value)],
            [.. after.Where(a => before.ContainsKey(a.Key)).Select(a => a.Value)]);
    }

    /// <summary>The package's own advisories and its dependencies', keyed by (package, advisory id), the package's first.</summary>
    private static SortedDictionary<(bool Dependency, string Package, string Id), Advisory> Advisories(AnalysisDocuments analysis)
    {
        var advisories = new SortedDictionary<(bool Dependency, string Package, string Id), Advisory>();
        var details = analysis.Details("security_issues");
        void Add(JsonElement? vulnerabilities, string package, string? version, bool dependency)
        {
            foreach (var vulnerability in vulnerabilities.Array("vulnerabilities"))
                if (vulnerability.String("id") is { } id)
                    advisories.TryAdd((dependency, package, id),
                        new Advisory(id, package, version, dependency, vulnerability.String("rating"), vulnerability.String("summary")));
        }
        Add(details, details.String("package") ?? analysis.Name, details.String("version") ?? analysis.Version, dependency: false);
        foreach (var dependency in details.Array("dependencies"))
            if ((dependency.String("package") ?? dependency.String("dependency")) is { } package)
                Add(dependency, package, dependency.String("version"), dependency: true);
        return advisories;
    }

    private static long? Bytes(AnalysisDocuments analysis) =>
        analysis.Summary("init") is { } summary ? summary.Integer("bytes") : null;

    private static int? FileCount(AnalysisDocuments analysis) =>
        analysis.Summary("init") is { } summary && summary.Integer("files") is { } files ? (int)files : null;
}
