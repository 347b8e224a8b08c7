using Cucos.Sdk;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies;
using Cucos.Workers.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cucos.Workers.SecurityIssues;

/// <summary>
/// Known vulnerabilities of the package version and of its resolved direct dependencies, from the configured OSV
/// sources (an offline database directory, an OSV API, or both), matched exactly as the OSV schema defines it.
/// </summary>
/// <param name="sources">The silo's shared indexes and API caches; absent when the task runs without services.</param>
public sealed partial class SecurityIssuesTask(AdvisorySources? sources = null) : BaseTask
{
    public const string TaskName = "security_issues";

    public override string Name => TaskName;
    // 1.1.0: with a lock file, every package of its graph is checked (direct and lock_id on each dependency's entry).
    public override string Version => "1.1.0";
    public override bool ReadsPackageFiles => false; // results and the request only
    public override string Description => "Known vulnerabilities of the package, its resolved direct dependencies and every package its lock file pins, from OSV advisories matched by the ecosystem's own version ordering.";
    // A child of dependency_snapshot: it runs after it succeeded, whenever it runs, and reads the dependencies it resolved.
    public override string? SpawnedBy => DependencySnapshotTask.TaskName;

    private const int OsvBatchSize = 1000;

    private readonly AdvisorySources sources = sources ?? AdvisorySources.Shared;

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var settings = context.Services.GetService<AdvisorySettings>() ?? AdvisorySettings.From(context.Services.GetService<IConfiguration>());
        var snapshot = await context.GetResultAsync<DependencySnapshotDetails>(cancellationToken).ConfigureAwait(false);
        var (ecosystem, name, version) = await PackageAsync(context, cancellationToken).ConfigureAwait(false);
        if (!settings.Any)
            return Skipped(null, name, version,
                $"no advisory source is configured: set {AdvisorySettings.DirectoryKey} (a folder of OSV <Ecosystem>/all.zip files or .json records), {AdvisorySettings.ApiUrlKey} (an OSV API's base URL) or {AdvisorySettings.StoreKey}=postgres (the records 'cucos advisories import' loaded).");
        var osvEcosystem = ecosystem is null ? null : OsvEcosystems.ForEcosystem(ecosystem);
        if (osvEcosystem is null || name is null || version is null)
            return Skipped(osvEcosystem, name, version, ecosystem is null || name is null || version is null
                ? "the package's ecosystem, name or version is not known (no registry request and no manifest naming them)."
                : $"OSV has no advisories for the ecosystem '{ecosystem}': it has them for {OsvEcosystems.Names}.");

        var ordering = new AffectedVersions(BuiltInTasks.EcosystemsOf(context.Services).Find(ecosystem!)?.VersionResolver);
        var dependencies = Checked(snapshot);
        var queries = dependencies.Select(d => new OsvQuery(osvEcosystem, d.Package ?? d.Name, d.Version)).Prepend(new OsvQuery(osvEcosystem, name, version)).ToList();

        var read = new List<AdvisorySourceRead>();
        var skipped = new List<string>();
        var candidates = queries.Select(_ => new Dictionary<string, List<IndexedAffected>>(StringComparer.Ordinal)).ToArray();
        if (settings.UsesStore)
        {
            var store = context.Services.GetService<IAdvisoryStore>()
                ?? throw new FatalTaskException($"{AdvisorySettings.StoreKey} is '{AdvisorySettings.PostgresStore}' but this silo has no PostgreSQL database: set ConnectionStrings:Cucos, or unset {AdvisorySettings.StoreKey} to read {AdvisorySettings.DirectoryKey} directly.");
            var normalised = queries.Select(q => OsvEcosystems.NormaliseName(osvEcosystem, q.Name)).ToList();
            var storeSkipped = new SkippedRecords();
            var found = await store.FindAsync(osvEcosystem, normalised.Distinct(StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);
            var records = new List<OsvRecord>();
            foreach (var json in found)
            {
                // Stored records passed the same parse when imported; one that fails now is reported, never fatal.
                if (OsvRecords.Parse(System.Text.Encoding.UTF8.GetBytes(json), out var problem) is { } record)
                    records.Add(record);
                else
                    storeSkipped.Add($"{AdvisorySettings.PostgresStore}: {problem}");
            }
            for (var i = 0; i < queries.Count; i++)
                Collect(candidates[i], records.SelectMany(r => (r.Affected ?? [])
                    .Where(a => a.Package is { } p && OsvEcosystems.Known(p.Ecosystem) == osvEcosystem && OsvEcosystems.NormaliseName(osvEcosystem, p.Name) == normalised[i])
                    .Select(a => new IndexedAffected(r, a))));
            read.Add(new AdvisorySourceRead("store", AdvisorySettings.PostgresStore, null, null, records.Count, 0, storeSkipped.Count));
            skipped.AddRange(storeSkipped.Messages);
        }
        else if (settings.Directory is { } directory)
        {
            foreach (var part in await sources.Directory(directory).IndexesAsync(osvEcosystem, cancellationToken).ConfigureAwait(false))
            {
                read.Add(new AdvisorySourceRead("directory", part.Source, part.Digest, part.BuiltAt, part.Index.Records, part.Index.Withdrawn, part.Index.Skipped.Count));
                skipped.AddRange(part.Index.Skipped.Messages);
                for (var i = 0; i < queries.Count; i++)
                    Collect(candidates[i], part.Index.For(osvEcosystem, queries[i].Name));
            }
        }
        if (settings.ApiUrl is { } apiUrl)
        {
            var api = sources.Api(apiUrl);
            var apiSkipped = new SkippedRecords();
            // OSV's querybatch takes at most 1000 queries a request; a lock file's graph can hold more.
            var answers = new List<IReadOnlyList<OsvRecord>>(queries.Count);
            foreach (var chunk in queries.Chunk(OsvBatchSize))
                answers.AddRange(await api.QueryAsync(chunk, apiSkipped, cancellationToken).ConfigureAwait(false));
            var records = 0;
            for (var i = 0; i < queries.Count; i++)
            {
                records += answers[i].Count;
                // The API's hits are matched again by the same rules, so both sources give one answer; withdrawn ones are dropped.
                var normalised = OsvEcosystems.NormaliseName(osvEcosystem, queries[i].Name);
                Collect(candidates[i], answers[i].Where(r => r.Withdrawn is null).SelectMany(r => (r.Affected ?? [])
                    .Where(a => a.Package is { } p && OsvEcosystems.Known(p.Ecosystem) == osvEcosystem && OsvEcosystems.NormaliseName(osvEcosystem, p.Name) == normalised)
                    .Select(a => new IndexedAffected(r, a))));
            }
            read.Add(new AdvisorySourceRead("api", Registries.RegistryHttp.Show(apiUrl), null, null, records, answers.Sum(a => a.Count(r => r.Withdrawn is not null)), apiSkipped.Count));
            skipped.AddRange(apiSkipped.Messages);
        }

        var versions = new VersionList(context, ecosystem!);
        var own = await FindingsAsync(ordering, candidates[0], name, version, versions, skipped, cancellationToken).ConfigureAwait(false);
        var ofDependencies = new List<DependencyVulnerabilities>();
        for (var i = 1; i < queries.Count; i++)
        {
            var found = await FindingsAsync(ordering, candidates[i], queries[i].Name, queries[i].Version, versions, skipped, cancellationToken).ConfigureAwait(false);
            if (found.Findings.Count > 0)
                ofDependencies.Add(new DependencyVulnerabilities(dependencies[i - 1].Name, dependencies[i - 1].Package, queries[i].Version, found.Findings)
                {
                    Direct = dependencies[i - 1].Direct,
                    LockId = dependencies[i - 1].LockId,
                });
        }
        var all = own.Findings.Concat(ofDependencies.SelectMany(d => d.Vulnerabilities)).ToList();
        var skippedCount = read.Sum(r => r.Skipped) + skipped.Count - read.Sum(r => Math.Min(r.Skipped, SkippedRecords.KeptMessages));
        if (skippedCount > 0)
            LogSkipped(context.Logger, skippedCount, skipped[0]);
        return TaskResult.Success(
            new SecurityIssuesSummary("checked", null, own.Findings.Count, ofDependencies.Sum(d => d.Vulnerabilities.Count),
                all.GroupBy(f => f.Rating).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
                all.Max(f => f.Score), own.UpgradeTo, skippedCount),
            new SecurityIssuesDetails(osvEcosystem, name, version, read, own.Findings, ofDependencies, skipped));
    }

    private static TaskResult Skipped(string? osvEcosystem, string? name, string? version, string reason) => TaskResult.Success(
        new SecurityIssuesSummary("skipped", reason, 0, 0, new Dictionary<string, int>(), null, null, 0),
        new SecurityIssuesDetails(osvEcosystem, name, version, [], [], [], []));

    /// <summary>The registry request's package; for a local path, the package its manifest names.</summary>
    private static async Task<(string? Ecosystem, string? Name, string? Version)> PackageAsync(TaskContext context, CancellationToken cancellationToken)
    {
        if (context.Request.Ecosystem != EcosystemCatalog.LocalEcosystem)
            return (context.Request.Ecosystem, context.Request.Name, context.Request.Version);
        var metadata = await context.GetResultAsync<MetadataDetails>(cancellationToken).ConfigureAwait(false);
        return (metadata?.Ecosystem, metadata?.Name, metadata?.Version);
    }

    private static void Collect(Dictionary<string, List<IndexedAffected>> byRecord, IEnumerable<IndexedAffected> entries)
    {
        foreach (var entry in entries)
        {
            if (byRecord.TryGetValue(entry.Record.Id, out var known))
            {
                // The same record from two sources: the later modification wins.
                if (known[0].Record.Modified > entry.Record.Modified || known.Any(k => ReferenceEquals(k.Affected, entry.Affected)))
                    continue;
                if (known[0].Record.Modified < entry.Record.Modified)
                    known.Clear();
                known.Add(entry);
            }
            else
                byRecord[entry.Record.Id] = [entry];
        }
    }

    private sealed record PackageFindings(IReadOnlyList<Vulnerability> Findings, string? UpgradeTo);

    private static async Task<PackageFindings> FindingsAsync(
        AffectedVersions ordering, Dictionary<string, List<IndexedAffected>> candidates, string name, string version,
        VersionList versions, List<string> skipped, CancellationToken cancellationToken)
    {
        var matched = new List<List<IndexedAffected>>();
        foreach (var entries in candidates.Values)
        {
            var affected = false;
            foreach (var entry in entries)
            {
                var verdict = ordering.Judge(entry.Affected, version);
                affected |= verdict.Affected;
                skipped.AddRange(verdict.Problems.Select(p => $"{entry.Record.Id} ({name}@{version}): {p}"));
            }
            if (affected)
                matched.Add(entries);
        }
        if (matched.Count == 0)
            return new PackageFindings([], null);

        var listed = await versions.AboveAsync(name, version, ordering, cancellationToken).ConfigureAwait(false);
        bool AffectedBy(IEnumerable<IndexedAffected> entries, string candidate) => entries.Any(e => ordering.Judge(e.Affected, candidate).Affected);
        var findings = MergeAliases(matched).Select(group => Finding(group, version, ordering,
            listed?.FirstOrDefault(v => !AffectedBy(group, v)))).OrderBy(f => f.Id, StringComparer.Ordinal).ToList();
        var upgrade = listed is null
            ? null
            : listed.FirstOrDefault(v => !matched.Any(entries => AffectedBy(entries, v)));
        return new PackageFindings(findings, upgrade);
    }

    /// <summary>Groups records that name each other (a GHSA with its CVE alias) into one vulnerability.</summary>
    private static List<List<IndexedAffected>> MergeAliases(List<List<IndexedAffected>> matched)
    {
        var groups = new List<(HashSet<string> Ids, List<IndexedAffected> Entries)>();
        foreach (var entries in matched)
        {
            var record = entries[0].Record;
            var ids = new HashSet<string>((record.Aliases ?? []).Append(record.Id), StringComparer.Ordinal);
            var joined = groups.Where(g => g.Ids.Overlaps(ids)).ToList();
            foreach (var group in joined)
            {
                groups.Remove(group);
                ids.UnionWith(group.Ids);
                entries.AddRange(group.Entries);
            }
            groups.Add((ids, entries));
        }
        return [.. groups.Select(g => g.Entries)];
    }

    private static Vulnerability Finding(List<IndexedAffected> entries, string version, AffectedVersions ordering, string? listedFix)
    {
        // The advisory database's own record (GHSA, RUSTSEC, GO) names the finding before the CVE record mirroring it.
        var records = entries.Select(e => e.Record).DistinctBy(r => r.Id)
            .OrderBy(r => r.Id.StartsWith("CVE-", StringComparison.Ordinal)).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        var ids = records.SelectMany(r => (r.Aliases ?? []).Prepend(r.Id)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var severity = records.SelectMany(r => r.Severity ?? []).DistinctBy(s => (s.Type, s.Score))
            .Select(s =>
            {
                var (score, rating) = SeverityScores.Of(s.Type, s.Score);
                return new SeverityEntry(s.Type, s.Score, score, rating);
            })
            .ToList();
        var best = severity.Where(s => s.Score is not null).MaxBy(s => s.Score);
        var rating = best?.Rating ?? records.Select(r => r.DatabaseSpecific?.Severity).FirstOrDefault(s => s is not null) switch
        {
            null => "unknown",
            var word when word.Equals("moderate", StringComparison.OrdinalIgnoreCase) => "medium",
            var word => word.ToLowerInvariant(),
        };
        var ranges = entries.SelectMany(e => e.Affected.Ranges ?? []).Distinct().ToList();
        var fixes = ranges.SelectMany(r => r.Events.Where(e => e.Fixed is not null).Select(e => (r.Type, Version: e.Fixed!))).ToList();
        var fixedVersions = fixes.Select(f => f.Version).Distinct(StringComparer.Ordinal)
            .Order(Comparer<string>.Create((a, b) => ordering.Compare("ECOSYSTEM", a, b) ?? ordering.Compare("SEMVER", a, b) ?? string.CompareOrdinal(a, b)))
            .ToList();
        var nearest = listedFix ?? fixes.Where(f => ordering.Compare(f.Type, f.Version, version) > 0)
            .Select(f => f.Version).Order(Comparer<string>.Create((a, b) => ordering.Compare("ECOSYSTEM", a, b) ?? ordering.Compare("SEMVER", a, b) ?? 0)).FirstOrDefault();
        var notEvaluated = entries.SelectMany(e => ordering.Judge(e.Affected, version).NotEvaluated).Distinct(StringComparer.Ordinal).ToList();
        return new Vulnerability(
            records[0].Id,
            ids,
            records.Select(r => r.Summary).FirstOrDefault(s => !string.IsNullOrWhiteSpace(s)),
            severity,
            rating,
            best?.Score,
            records.SelectMany(r => r.DatabaseSpecific?.CweIds ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            records.Select(r => r.Published).Where(p => p is not null).Min(),
            records.Max(r => r.Modified),
            records.SelectMany(r => r.References ?? []).DistinctBy(r => r.Url).Select(r => new ReferenceLink(r.Type, r.Url)).ToList(),
            ranges.Select(r => new AffectedRange(r.Type, r.Repo, r.Events)).ToList(),
            entries.SelectMany(e => e.Affected.Versions ?? []).Distinct(StringComparer.Ordinal).ToList(),
            fixedVersions,
            nearest,
            nearest is null ? "no fixed version is known: consider another package or a workaround from the references." : $"upgrade to {nearest}",
            notEvaluated);
    }

    /// <summary>The registry's versions of a package above one version, ascending; looked up once per package and only when a finding needs it.</summary>
    private sealed class VersionList(TaskContext context, string ecosystem)
    {
        private readonly Dictionary<string, IReadOnlyList<string>?> listings = new(StringComparer.Ordinal);

        public async Task<IReadOnlyList<string>?> AboveAsync(string name, string version, AffectedVersions ordering, CancellationToken cancellationToken)
        {
            if (!listings.TryGetValue(name, out var all))
                listings[name] = all = await ListAsync(name, cancellationToken).ConfigureAwait(false);
            return all?.Where(v => ordering.Compare("ECOSYSTEM", v, version) > 0)
                .Order(Comparer<string>.Create((a, b) => ordering.Compare("ECOSYSTEM", a, b) ?? 0)).ToList();
        }

        private async Task<IReadOnlyList<string>?> ListAsync(string name, CancellationToken cancellationToken)
        {
            // As dependency_snapshot does: a version source in the services (a mirror, a test's listing) before the ecosystem's own.
            var source = (context.Services.GetService<IEnumerable<IPackageVersionSource>>() ?? []).FirstOrDefault(s => s.Ecosystem == ecosystem)
                ?? context.Services.GetService<EcosystemCatalog>()?.Find(ecosystem)?.VersionSource;
            if (source is null)
                return null;
            try
            {
                return await source.ListVersionsAsync(name, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is PackageNotFoundException or RegistryException or RegistryUnavailableException or HttpRequestException)
            {
                // Without the list the advisory's own fixed versions still name the upgrade.
                return null;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "security_issues skipped {Count} advisory records or ranges; the first: {First}")]
    private static partial void LogSkipped(ILogger logger, int count, string first);

    /// <summary>A package version to check: as the manifest names it, the package looked up when different, and its place in a lock graph.</summary>
    private sealed record CheckedDependency(string Name, string? Package, string Version, bool Direct, string? LockId);

    /// <summary>
    /// With a lock file, every registry package of its graph, direct and transitive, each name and version once (the
    /// declared dependencies the lock lacks as dependency_snapshot resolved them); else the resolved direct dependencies.
    /// </summary>
    private static List<CheckedDependency> Checked(DependencySnapshotDetails? snapshot)
    {
        var resolved = (snapshot?.Dependencies ?? []).Where(d => d.ResolvedVersion is not null)
            .Select(d => new CheckedDependency(d.Name, d.Package, d.ResolvedVersion!, Direct: true, null)).ToList();
        if (snapshot?.LockGraph is not { } graph)
            return resolved;
        var locked = graph.Dependencies.Where(n => n.Source == Metadata.Locks.LockSources.Registry && n.Version is not null)
            .DistinctBy(n => (n.Name, n.Version))
            .Select(n => new CheckedDependency(n.Alias ?? n.Name, n.Alias is null ? null : n.Name, n.Version!, n.Direct, n.Id)).ToList();
        var fromLock = locked.Select(d => (d.Package ?? d.Name, d.Version)).ToHashSet();
        return [.. locked, .. resolved.Where(d => !fromLock.Contains((d.Package ?? d.Name, d.Version)))];
    }
}
