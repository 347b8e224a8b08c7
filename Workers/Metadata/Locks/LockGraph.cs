using System.ComponentModel;
using Cucos.Reports.Purl;

namespace Cucos.Workers.Metadata.Locks;

/// <summary>
/// The whole resolved dependency graph a lock file records, in one shape for every format: each package once per place
/// the lock pins it, and the edges between them. The project's own packages (the root and any workspace members) are
/// nodes too, with source <c>workspace</c>; a package is direct when an edge leads to it from one of them.
/// dependency_snapshot, security_issues and the SBOM read this as it is instead of resolving the ranges again.
/// </summary>
[Description("the resolved graph of a lock file: packages with their pinned versions and the edges between them")]
public sealed record LockGraph(
    [property: Description("the lock file's path relative to the package root")] string Path,
    [property: Description("the lock file's format: package-lock.json, npm-shrinkwrap.json, Cargo.lock, Gemfile.lock, requirements.txt")] string Format,
    string Ecosystem,
    [property: Description("the format's own version number (lockfileVersion, Cargo.lock's version), when it has one")] int? LockfileVersion,
    IReadOnlyList<LockedNode> Packages,
    [property: Description("from a package id to the package id it depends on")] IReadOnlyList<LockEdge> Edges,
    [property: Description("why part of the file was not read (too many packages), else null")] string? Truncated)
{
    /// <summary>The locked packages that are not the project's own.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<LockedNode> Dependencies => Packages.Where(p => p.Source != LockSources.Workspace);
}

/// <summary>One package as the lock pins it.</summary>
public sealed record LockedNode(
    [property: Description("unique within the graph: the install path for npm, else name@version")] string Id,
    [property: Description("the package's name in its registry (the target of an npm alias)")] string Name,
    [property: Description("the version the lock pins; null when it pins none (an unpinned requirement)")] string? Version,
    [property: Description("the package URL of name and version, null when it cannot be formed")] string? Purl,
    [property: Description("whether the project itself depends on it")] bool Direct,
    [property: Description("runtime, dev, optional or dev-optional, as the lock marks it")] string Scope,
    [property: Description("where it comes from: registry, git, file, url or workspace")] string Source,
    [property: Description("the URL, path or commit it was resolved to, as written")] string? Resolved,
    [property: Description("the checksum the lock keeps (sha512-..., a hash list), as written")] string? Integrity)
{
    /// <summary>The name the project installs it under when that differs from <see cref="Name"/> (npm's <c>alias@npm:name@range</c>).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Alias { get; init; }
}

public sealed record LockEdge(string From, string To);

/// <summary>The values of <see cref="LockedNode.Source"/> and <see cref="LockedNode.Scope"/>.</summary>
public static class LockSources
{
    public const string Registry = "registry";
    public const string Git = "git";
    public const string File = "file";
    public const string Url = "url";
    public const string Workspace = "workspace";

    public const string Runtime = "runtime";
    public const string Dev = "dev";
    public const string Optional = "optional";
    public const string DevOptional = "dev-optional";
}

/// <summary>Collects a lock file's nodes and edges with the bounds every format shares, then settles which are direct.</summary>
public sealed class LockGraphBuilder(string path, string format, string ecosystem, string purlType)
{
    /// <summary>More packages than any real application locks (the largest monorepo locks hold tens of thousands); the rest is not read.</summary>
    public const int MaxPackages = 100_000;
    public const int MaxEdges = 1_000_000;

    private readonly Dictionary<string, LockedNode> nodes = new(StringComparer.Ordinal);
    private readonly List<LockedNode> order = [];
    private readonly HashSet<LockEdge> edges = [];
    private readonly List<LockEdge> edgeOrder = [];
    private string? truncated;

    public int? LockfileVersion { get; set; }

    public bool Contains(string id) => nodes.ContainsKey(id);

    public LockedNode? Find(string id) => nodes.GetValueOrDefault(id);

    public IEnumerable<LockedNode> Nodes => order;

    /// <summary>Adds a node unless one with its id is there; false once the bound is reached.</summary>
    public bool Add(string id, string name, string? version, string scope, string source, string? resolved, string? integrity, string? alias = null)
    {
        if (nodes.ContainsKey(id))
            return true;
        if (nodes.Count >= MaxPackages)
        {
            truncated ??= $"it locks more than {MaxPackages} packages; only the first {MaxPackages} were read.";
            return false;
        }
        var node = new LockedNode(id, name, version, PurlOf(name, version, source), Direct: false, scope, source, resolved, integrity) { Alias = alias };
        nodes[id] = node;
        order.Add(node);
        return true;
    }

    public void Edge(string from, string to)
    {
        if (edges.Count >= MaxEdges)
        {
            truncated ??= $"it holds more than {MaxEdges} dependency edges; only the first {MaxEdges} were read.";
            return;
        }
        var edge = new LockEdge(from, to);
        if (edges.Add(edge))
            edgeOrder.Add(edge);
    }

    /// <summary>The graph, keeping only edges between known nodes, with every target of a workspace node marked direct.</summary>
    public LockGraph Build()
    {
        var kept = edgeOrder.Where(e => nodes.ContainsKey(e.From) && nodes.ContainsKey(e.To) && e.From != e.To).ToList();
        var direct = kept.Where(e => nodes[e.From].Source == LockSources.Workspace).Select(e => e.To).ToHashSet(StringComparer.Ordinal);
        return new LockGraph(path, format, ecosystem, LockfileVersion,
            [.. order.Select(n => direct.Contains(n.Id) && n.Source != LockSources.Workspace ? n with { Direct = true } : n)],
            kept, truncated);
    }

    // Only a registry package is identified by its name and version alone; git, file and url ones still get a purl of
    // the name (what the SBOM lists), without a version that would claim the registry's artifact.
    private string? PurlOf(string name, string? version, string source)
    {
        if (source == LockSources.Workspace)
            return null;
        try
        {
            return PurlTypes.ForPackage(purlType, name, source == LockSources.Registry ? version : null).ToString();
        }
        catch (PackageUrlException)
        {
            return null;
        }
    }
}
