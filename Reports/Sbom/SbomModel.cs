using System.Text.Json;
using Cucos.Reports.Purl;

namespace Cucos.Reports.Sbom;

/// <summary>A hash as both formats name it: the algorithm (<c>SHA-256</c>) and the lower-case hex value.</summary>
public sealed record SbomHash(string Algorithm, string Value);

/// <summary>An external reference: CycloneDX's type (vcs, website, issue-tracker, distribution) and the URL.</summary>
public sealed record SbomReference(string Type, string Url);

/// <summary>A person or organisation named by the manifest.</summary>
public sealed record SbomPerson(string? Name, string? Email, string? Url);

/// <summary>One package: the analysed one (the root) or a dependency.</summary>
public sealed record SbomPackage
{
    /// <summary>The purl, which is also the bom-ref and the base of the SPDX id: unique within one document.</summary>
    public required string Ref { get; init; }
    public required PackageUrl Purl { get; init; }
    public required string Name { get; init; }
    public string? Version { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<SbomHash> Hashes { get; init; } = [];
    public string? DeclaredLicense { get; init; }
    public string? DeclaredLicenseText { get; init; }
    public string? ConcludedLicense { get; init; }
    public SbomPerson? Author { get; init; }
    public IReadOnlyList<SbomPerson> Maintainers { get; init; } = [];
    public IReadOnlyList<SbomReference> References { get; init; } = [];
    /// <summary>The specification the manifest declares (<c>^1.2.0</c>), for a dependency.</summary>
    public string? Spec { get; init; }
    /// <summary>Why a dependency's version is unknown; null when it was resolved.</summary>
    public string? Unresolved { get; init; }
    /// <summary>The analysis of this package, when one was started (dependency_snapshot's analyses).</summary>
    public string? AnalysisId { get; init; }
}

/// <summary>One file of the package with its hashes (from digests).</summary>
public sealed record SbomFile(string Path, long Size, IReadOnlyList<SbomHash> Hashes);

/// <summary>A vulnerability from security_issues and the packages it affects.</summary>
public sealed record SbomVulnerability
{
    public required string Id { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];
    public string? Summary { get; init; }
    /// <summary>(method: CVSSv31, CVSSv4, ...; vector; score; severity).</summary>
    public IReadOnlyList<(string Type, string Vector, double? Score, string? Rating)> Severities { get; init; } = [];
    public string Rating { get; init; } = "unknown";
    public double? Score { get; init; }
    public IReadOnlyList<int> Cwes { get; init; } = [];
    public string? Published { get; init; }
    public string? Modified { get; init; }
    public string? Advice { get; init; }
    public IReadOnlyList<string> FixedVersions { get; init; } = [];
    public IReadOnlyList<SbomReference> References { get; init; } = [];
    /// <summary>The refs of the packages it affects, each with the affected version.</summary>
    public IReadOnlyList<(string Ref, string? Version)> Affects { get; init; } = [];
}

/// <summary>A cryptographic asset from crypto_algorithms.</summary>
public sealed record SbomCryptoAsset(string Name, string Category, long Matches, long Files, bool Weak, string? WeakReason);

/// <summary>
/// What both SBOM formats say, read once from one analysis' stored results: the root package, its dependencies (with
/// deeper levels from the dependencies' own analyses), the edges, files, vulnerabilities and cryptographic assets.
/// </summary>
public sealed class SbomModel
{
    public required AnalysisDocuments Analysis { get; init; }
    public required SbomPackage Root { get; init; }
    /// <summary>Every dependency once (by purl), in the order first met.</summary>
    public required IReadOnlyList<SbomPackage> Dependencies { get; init; }
    /// <summary>Ref -> the refs it depends on; every ref is the root's or a dependency's.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Edges { get; init; }
    public required IReadOnlyList<SbomFile> Files { get; init; }
    public required IReadOnlyList<SbomVulnerability> Vulnerabilities { get; init; }
    public required IReadOnlyList<SbomCryptoAsset> CryptoAssets { get; init; }
    /// <summary>Crypto libraries the package uses: not assets of their own, so listed as properties of the root.</summary>
    public required IReadOnlyList<string> CryptoLibraries { get; init; }
    public DateTimeOffset Timestamp => Analysis.FinishedAt ?? Analysis.CreatedAt;

    /// <summary>How deep dependency analyses are followed; a cycle stops earlier.</summary>
    public const int MaxDepth = 16;

    /// <summary>Reads the model; <paramref name="includeFiles"/> false leaves the files out.</summary>
    /// <exception cref="SbomException">The analysis cannot give an SBOM (init failed: there is no package to describe).</exception>
    public static SbomModel From(AnalysisDocuments analysis, bool includeFiles = true)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        if (analysis.Result("init") is null && analysis.Result("metadata") is null)
            throw new SbomException($"analysis {analysis.AnalysisId} of {analysis.Release} has no init or metadata result, so there is no package to describe " +
                $"(its status is {analysis.Status}). Analyse the package again, or pick an analysis whose init succeeded.");
        var purlType = analysis.PurlType ?? PurlTypes.ForEcosystem(analysis.Ecosystem);
        var root = RootPackage(analysis, purlType);

        var dependencies = new List<SbomPackage>();
        var byRef = new Dictionary<string, SbomPackage>(StringComparer.Ordinal) { [root.Ref] = root };
        var edges = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var analyses = new Dictionary<string, AnalysisDocuments>(StringComparer.Ordinal);
        Collect(analysis.DependencyAnalyses, analyses);
        AddDependencies(analysis, root.Ref, purlType, analyses, byRef, dependencies, edges, depth: 0);

        return new SbomModel
        {
            Analysis = analysis,
            Root = root,
            Dependencies = dependencies,
            Edges = edges,
            Files = includeFiles ? ReadFiles(analysis) : [],
            Vulnerabilities = ReadVulnerabilities(analysis, root, byRef, purlType),
            CryptoAssets = [.. analysis.Details("crypto_algorithms").Array("algorithms")
                .Where(a => a.String("category") is not null and not "library" && a.String("name") is not null)
                .Select(a => new SbomCryptoAsset(a.String("name")!, a.String("category")!, a.Integer("matches") ?? 0, a.Integer("files") ?? 0, a.Boolean("weak"), a.String("weak_reason")))],
            CryptoLibraries = [.. analysis.Details("crypto_algorithms").Array("algorithms")
                .Where(a => a.String("category") == "library" && a.String("name") is not null).Select(a => a.String("name")!)],
        };
    }

    private static void Collect(IReadOnlyList<AnalysisDocuments> found, Dictionary<string, AnalysisDocuments> into)
    {
        foreach (var dependency in found)
            if (into.TryAdd(dependency.AnalysisId, dependency))
                Collect(dependency.DependencyAnalyses, into);
    }

    private static SbomPackage RootPackage(AnalysisDocuments analysis, string purlType)
    {
        var metadata = analysis.Details("metadata");
        var init = analysis.Details("init");
        var artifact = init.Object("artifact");
        var hashes = new List<SbomHash>();
        // init hashes the artifact with all four; digests (md5, sha1, sha256) when init's document lacks them.
        var digestsArtifact = analysis.Details("digests").Object("artifact");
        foreach (var (field, algorithm) in new[] { ("md5", "MD5"), ("sha1", "SHA-1"), ("sha256", "SHA-256"), ("sha512", "SHA-512") })
            if ((artifact.String(field) ?? digestsArtifact.String(field)) is { } value)
                hashes.Add(new SbomHash(algorithm, value));

        var references = new List<SbomReference>();
        if (metadata.Object("code_repository").String("url") is { } vcs)
            references.Add(new SbomReference("vcs", vcs));
        if (metadata.String("homepage") is { } website)
            references.Add(new SbomReference("website", website));
        if (metadata.String("bug_tracker") is { } issues)
            references.Add(new SbomReference("issue-tracker", issues));
        if ((init.String("download_url") ?? artifact.String("url")) is { } download)
            references.Add(new SbomReference("distribution", download));

        var purl = PurlTypes.ForPackage(purlType, analysis.Name, analysis.Version);
        return new SbomPackage
        {
            Ref = purl.ToString(),
            Purl = purl,
            Name = analysis.Name,
            Version = analysis.Version,
            Description = metadata.String("description"),
            Hashes = hashes,
            DeclaredLicense = metadata.Object("declared_license").String("expression") ?? analysis.Summary("source_licenses").String("declared"),
            DeclaredLicenseText = metadata.Object("declared_license").String("raw"),
            ConcludedLicense = analysis.Summary("source_licenses").String("expression") ?? analysis.Details("source_licenses").String("expression"),
            Author = Person(metadata.Object("author")),
            Maintainers = [.. metadata.Array("maintainers").Select(m => Person(m)).OfType<SbomPerson>()],
            References = references,
            AnalysisId = analysis.AnalysisId,
        };
    }

    private static SbomPerson? Person(JsonElement? element) =>
        element.String("name") is null && element.String("email") is null ? null : new SbomPerson(element.String("name"), element.String("email"), element.String("url"));

    private static void AddDependencies(AnalysisDocuments analysis, string parentRef, string purlType, Dictionary<string, AnalysisDocuments> analyses,
        Dictionary<string, SbomPackage> byRef, List<SbomPackage> dependencies, Dictionary<string, IReadOnlyList<string>> edges, int depth)
    {
        if (edges.ContainsKey(parentRef))
            return; // already expanded: a package met twice, or a cycle
        var snapshot = analysis.Details("dependency_snapshot");
        var started = snapshot.Object("analyses").Array("started")
            .Where(s => s.String("analysis_id") is not null && s.String("name") is not null && s.String("version") is not null)
            .GroupBy(s => (s.String("name")!, s.String("version")!)).ToDictionary(g => g.Key, g => g.First().String("analysis_id")!);
        var children = new List<string>();
        AddLocked(snapshot.Object("lock_graph"), parentRef, purlType, byRef, dependencies, edges, children);
        foreach (var dependency in snapshot.Array("dependencies"))
        {
            if (dependency.String("name") is not { } declared)
                continue;
            var name = dependency.String("package") ?? declared;
            var version = dependency.String("resolved_version");
            PackageUrl purl;
            try
            {
                purl = PurlTypes.ForPackage(purlType, name, version);
            }
            catch (PackageUrlException)
            {
                continue; // a name the registry would not serve either (an empty Maven group): nothing to identify it by
            }
            var reference = purl.ToString();
            if (!byRef.ContainsKey(reference))
            {
                var analysisId = version is null ? null : started.GetValueOrDefault((name, version));
                var package = new SbomPackage
                {
                    Ref = reference,
                    Purl = purl,
                    Name = name,
                    Version = version,
                    Spec = dependency.String("spec"),
                    Unresolved = version is null ? dependency.String("reason") ?? "not resolved" : null,
                    AnalysisId = analysisId,
                };
                byRef[reference] = package;
                dependencies.Add(package);
            }
            if (!children.Contains(reference, StringComparer.Ordinal))
                children.Add(reference);
        }
        edges[parentRef] = children;
        if (depth + 1 >= MaxDepth)
            return;
        foreach (var child in children)
            if (byRef[child].AnalysisId is { } id && analyses.TryGetValue(id, out var deeper))
                AddDependencies(deeper, child, deeper.PurlType ?? PurlTypes.ForEcosystem(deeper.Ecosystem), analyses, byRef, dependencies, edges, depth + 1);
    }

    /// <summary>
    /// A lock file's whole graph as dependency_snapshot kept it: every locked package, each package's own edges, and the
    /// project's direct ones under <paramref name="parentRef"/>; the project's own nodes (workspace members) are the root.
    /// </summary>
    private static void AddLocked(JsonElement? graph, string parentRef, string purlType, Dictionary<string, SbomPackage> byRef,
        List<SbomPackage> dependencies, Dictionary<string, IReadOnlyList<string>> edges, List<string> rootChildren)
    {
        var refs = new Dictionary<string, string>(StringComparer.Ordinal);
        var own = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Array("packages"))
        {
            // The root's id is "" in npm's locks: read it as it is, not through the tolerant reader that drops empty text.
            if (!node.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.String)
                continue;
            var nodeId = idElement.GetString()!;
            if (node.String("source") == "workspace")
            {
                own.Add(nodeId);
                continue;
            }
            if (node.String("name") is not { } name)
                continue;
            var version = node.String("version");
            PackageUrl purl;
            try
            {
                // Only a registry package is named by its version; a git or file one is the name alone, as metadata wrote it.
                purl = PurlTypes.ForPackage(purlType, name, node.String("source") == "registry" ? version : null);
            }
            catch (PackageUrlException)
            {
                continue;
            }
            var reference = purl.ToString();
            refs[nodeId] = reference;
            if (!byRef.ContainsKey(reference))
            {
                var package = new SbomPackage { Ref = reference, Purl = purl, Name = name, Version = version, Unresolved = version is null ? "the lock file pins no version" : null };
                byRef[reference] = package;
                dependencies.Add(package);
            }
        }
        var children = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var edge in graph.Array("edges"))
        {
            if (edge.String("to") is not { } to || !refs.TryGetValue(to, out var target)
                || !edge.TryGetProperty("from", out var fromElement) || fromElement.ValueKind != JsonValueKind.String)
                continue;
            var from = fromElement.GetString()!;
            var list = own.Contains(from) ? rootChildren : refs.TryGetValue(from, out var source) ? children.TryGetValue(source, out var known) ? known : children[source] = [] : null;
            if (list is not null && !list.Contains(target, StringComparer.Ordinal))
                list.Add(target);
        }
        foreach (var (reference, list) in children)
            edges.TryAdd(reference, list);
    }

    private static List<SbomFile> ReadFiles(AnalysisDocuments analysis) =>
        [.. analysis.Details("digests").Array("files")
            .Where(f => f.String("path") is not null)
            .Select(f => new SbomFile(f.String("path")!, f.Integer("size") ?? 0,
                [.. new[] { ("md5", "MD5"), ("sha1", "SHA-1"), ("sha256", "SHA-256") }
                    .Where(h => f.String(h.Item1) is not null).Select(h => new SbomHash(h.Item2, f.String(h.Item1)!))]))];

    private static List<SbomVulnerability> ReadVulnerabilities(AnalysisDocuments analysis, SbomPackage root, Dictionary<string, SbomPackage> byRef, string purlType)
    {
        var details = analysis.Details("security_issues");
        var found = new Dictionary<string, (JsonElement Record, List<(string, string?)> Affects)>(StringComparer.Ordinal);
        void Add(JsonElement record, string reference, string? version)
        {
            if (record.String("id") is not { } id)
                return;
            if (!found.TryGetValue(id, out var entry))
                found[id] = entry = (record, []);
            if (!entry.Affects.Contains((reference, version)))
                entry.Affects.Add((reference, version));
        }
        foreach (var record in details.Array("vulnerabilities"))
            Add(record, root.Ref, root.Version);
        foreach (var dependency in details.Array("dependencies"))
        {
            var name = dependency.String("package") ?? dependency.String("dependency");
            var version = dependency.String("version");
            if (name is null)
                continue;
            string reference;
            try
            {
                reference = PurlTypes.ForPackage(purlType, name, version).ToString();
            }
            catch (PackageUrlException)
            {
                continue;
            }
            // Only packages the document declares may be affected: a vulnerability of a dependency the snapshot does not list is left out.
            if (!byRef.ContainsKey(reference))
                continue;
            foreach (var record in dependency.Array("vulnerabilities"))
                Add(record, reference, version);
        }
        return [.. found.Values.Select(v => new SbomVulnerability
        {
            Id = v.Record.String("id")!,
            Aliases = [.. v.Record.Strings("aliases").Where(a => a != v.Record.String("id")).Distinct(StringComparer.Ordinal)],
            Summary = v.Record.String("summary"),
            Severities = [.. v.Record.Array("severity").Where(s => s.String("type") is not null && s.String("vector") is not null)
                .Select(s => (s.String("type")!, s.String("vector")!, s.Number("score"), s.String("rating")))],
            Rating = v.Record.String("rating") ?? "unknown",
            Score = v.Record.Number("score"),
            Cwes = [.. v.Record.Strings("cwe_ids").Select(CweNumber).OfType<int>().Distinct()],
            Published = v.Record.String("published"),
            Modified = v.Record.String("modified"),
            Advice = v.Record.String("advice"),
            FixedVersions = [.. v.Record.Strings("fixed_versions")],
            References = [.. v.Record.Array("references").Where(r => r.String("url") is not null).Select(r => new SbomReference(r.String("type") ?? "WEB", r.String("url")!))
                .DistinctBy(r => r.Url, StringComparer.Ordinal)],
            Affects = v.Affects,
        })];
    }

    private static int? CweNumber(string id) =>
        id.StartsWith("CWE-", StringComparison.OrdinalIgnoreCase) && int.TryParse(id.AsSpan(4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null;
}

/// <summary>An SBOM that cannot be made from this analysis, or a format that does not exist; the message says what to do.</summary>
public sealed class SbomException(string message) : Exception(message);
