using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cucos.Workers.Metadata;
using Cucos.Workers.Metadata.Locks;

namespace Cucos.Workers.Ecosystems.Npm;

/// <summary>
/// npm's lock files, <c>npm-shrinkwrap.json</c> and <c>package-lock.json</c>, as manifests of their own: the flat
/// <c>packages</c> map of lockfileVersion 2 and 3 (install path to entry, workspaces and links included), or the nested
/// <c>dependencies</c> tree of version 1. Edges follow Node's lookup: a dependency of the package at an install path is
/// the nearest <c>node_modules/NAME</c> at or above it, so the same name at different versions nests correctly.
/// </summary>
public sealed partial class NpmLockParser(string lockFileName) : IManifestParser
{
    /// <summary>Lock files are bigger than manifests: a large monorepo's package-lock.json is tens of MiB.</summary>
    public const long MaxLockBytes = 256L * 1024 * 1024;

    private const string NodeModules = "node_modules/";
    private static readonly string[] RootGroups = ["dependencies", "optionalDependencies", "peerDependencies", "devDependencies"];

    public string Format => lockFileName;
    public string Ecosystem => "npm";
    public long MaxBytes => MaxLockBytes;
    public bool Accepts(string fileName, string folderName) => fileName == lockFileName;

    public async Task<PackageManifest> ParseAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var lockFile = await NpmParser.ReadJsonObjectAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
        var version = int.TryParse(Json.Str(lockFile, "lockfileVersion"), out var v) ? v : 1;
        if (version is < 1 or > 3)
            throw new ManifestFormatException($"its lockfileVersion is {version}, and only npm's versions 1, 2 and 3 are known: regenerate it with a current npm.");
        var builder = new LockGraphBuilder(file.RelativePath, Format, Ecosystem, "npm") { LockfileVersion = version };
        JsonObject? root;
        if (lockFile["packages"] is JsonObject flat)
        {
            root = flat[""] as JsonObject;
            ReadFlat(flat, root, builder);
        }
        else
        {
            if (lockFile["dependencies"] is { } tree and not JsonObject)
                throw new ManifestFormatException("its \"dependencies\" is not an object of package entries, as lockfileVersion 1 writes it.");
            root = await BesideManifestAsync(file, cancellationToken).ConfigureAwait(false);
            ReadNested(lockFile["dependencies"] as JsonObject, root, builder);
        }
        var graph = builder.Build();
        root ??= lockFile;
        return new PackageManifest
        {
            Path = file.RelativePath,
            Format = Format,
            Ecosystem = Ecosystem,
            Name = Json.Str(root, "name") ?? Json.Str(lockFile, "name"),
            Version = Json.Str(root, "version") ?? Json.Str(lockFile, "version"),
            Dependencies = DeclaredOrLocked(root["dependencies"], graph, LockSources.Runtime),
            DevDependencies = DeclaredOrLocked(root["devDependencies"], graph, LockSources.Dev),
            LockedTree = new LockedTree(file.RelativePath, version,
                [.. graph.Dependencies.Where(n => n.Id.Contains(NodeModules, StringComparison.Ordinal))
                    .Select(n => new LockedPackage(n.Alias ?? n.Name, n.Version, n.Id,
                        n.Scope is LockSources.Dev or LockSources.DevOptional, n.Scope is LockSources.Optional or LockSources.DevOptional, n.Resolved, n.Integrity))
                    .OrderBy(p => p.Location, StringComparer.Ordinal)]),
            LockGraph = graph,
        };
    }

    // The root entry's declared ranges when the lock keeps them (v2, v3); else the root's locked targets with their versions.
    private static IReadOnlyList<Dependency> DeclaredOrLocked(JsonNode? declared, LockGraph graph, string scope)
    {
        if (declared is JsonObject)
            return Json.DependencyMap(declared);
        var byId = graph.Packages.ToDictionary(p => p.Id, StringComparer.Ordinal);
        return [.. graph.Edges.Where(e => e.From.Length == 0).Select(e => byId[e.To]).Where(p => p.Scope == scope)
            .Select(p => new Dependency(p.Alias ?? p.Name, p.Version ?? p.Resolved))];
    }

    // Version 1 keeps no root entry, so the root's own requirements come from the package.json beside it, when there is one.
    private static async Task<JsonObject?> BesideManifestAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var manifest = Path.Combine(file.Directory, "package.json");
        if (!File.Exists(manifest))
            return null;
        try
        {
            return await NpmParser.ReadJsonObjectAsync(manifest, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is JsonException or ManifestFormatException)
        {
            return null; // package.json's own entry reports what is wrong with it
        }
    }

    private static void ReadFlat(JsonObject packages, JsonObject? root, LockGraphBuilder builder)
    {
        var workspaces = WorkspacePatterns(root);
        builder.Add("", Json.Str(root, "name") ?? "", Json.Str(root, "version"), LockSources.Runtime, LockSources.Workspace, null, null);
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (location, node) in packages)
        {
            if (location.Length == 0 || node is not JsonObject entry)
                continue;
            if (Json.Str(entry, "link") == "true")
            {
                // node_modules/a -> packages/a: the edge goes to the target's own entry.
                if (Json.Str(entry, "resolved") is { } target)
                    links[location] = target;
                continue;
            }
            var installed = InstalledName(location);
            var isInstalled = installed is not null;
            var name = Json.Str(entry, "name") ?? installed ?? location[(location.LastIndexOf('/') + 1)..];
            var source = !isInstalled
                ? workspaces.Any(w => w.IsMatch(location)) ? LockSources.Workspace : LockSources.File
                : SourceOf(Json.Str(entry, "resolved"), Json.Str(entry, "version"));
            if (!builder.Add(location, name, Json.Str(entry, "version"), Scope(entry), source, Json.Str(entry, "resolved"), Json.Str(entry, "integrity"),
                    isInstalled && installed != name ? installed : null))
                break;
        }
        foreach (var (location, node) in packages)
        {
            if (node is not JsonObject entry || links.ContainsKey(location))
                continue;
            foreach (var group in RootGroups)
            {
                // Only the root and workspace members install their devDependencies.
                if (group == "devDependencies" && builder.Find(location)?.Source != LockSources.Workspace)
                    continue;
                if (entry[group] is JsonObject dependencies)
                    foreach (var (dependency, _) in dependencies)
                        if (Lookup(location, dependency, builder, links) is { } target)
                            builder.Edge(location, target);
            }
        }
    }

    private static void ReadNested(JsonObject? dependencies, JsonObject? rootManifest, LockGraphBuilder builder)
    {
        builder.Add("", Json.Str(rootManifest, "name") ?? "", Json.Str(rootManifest, "version"), LockSources.Runtime, LockSources.Workspace, null, null);
        var workspaces = WorkspacePatterns(rootManifest);
        var requires = new List<(string From, string Name)>();
        var stack = new Stack<(JsonObject Dependencies, string Prefix)>();
        if (dependencies is not null)
            stack.Push((dependencies, ""));
        while (stack.Count > 0)
        {
            var (level, prefix) = stack.Pop();
            foreach (var (installed, node) in level)
            {
                if (node is not JsonObject entry)
                    continue;
                var location = prefix + NodeModules + installed;
                var written = Json.Str(entry, "version");
                var (name, version, source, resolved) = written switch
                {
                    // v1 writes an alias as "version": "npm:real@1.2.3", and a git or file dependency's version as its URL.
                    { } alias when AliasPattern().Match(alias) is { Success: true } match => (match.Groups["name"].Value, match.Groups["version"].Value, SourceOf(Json.Str(entry, "resolved"), null), Json.Str(entry, "resolved")),
                    { } url when SourceOf(null, url) is var kind && kind != LockSources.Registry =>
                        (installed, null, kind == LockSources.File && workspaces.Any(w => w.IsMatch(url["file:".Length..])) ? LockSources.Workspace : kind, Json.Str(entry, "resolved") ?? url),
                    _ => (installed, written, SourceOf(Json.Str(entry, "resolved"), written), Json.Str(entry, "resolved")),
                };
                if (!builder.Add(location, name, version, Scope(entry), source, resolved, Json.Str(entry, "integrity"), installed != name ? installed : null))
                    return;
                if (entry["requires"] is JsonObject required)
                    requires.AddRange(required.Select(r => (location, r.Key)));
                if (entry["dependencies"] is JsonObject nested)
                    stack.Push((nested, location + "/"));
            }
        }
        var noLinks = new Dictionary<string, string>();
        foreach (var (from, name) in requires)
            if (Lookup(from, name, builder, noLinks) is { } target)
                builder.Edge(from, target);
        // The root's edges: package.json's declared names, or, without it, the top-level packages nothing else requires.
        var rootNames = rootManifest is null
            ? builder.Nodes.Where(n => n.Id.Length > 0 && InstalledName(n.Id) is { } top && n.Id == NodeModules + top && !requires.Any(r => r.Name == top))
                .Select(n => InstalledName(n.Id)!).ToList()
            : RootGroups.SelectMany(g => (rootManifest[g] as JsonObject)?.Select(p => p.Key) ?? []).ToList();
        foreach (var name in rootNames)
            if (Lookup("", name, builder, noLinks) is { } target)
                builder.Edge("", target);
    }

    /// <summary>Node's lookup: the nearest node_modules/NAME at the package's own path or any folder above it.</summary>
    private static string? Lookup(string from, string name, LockGraphBuilder builder, Dictionary<string, string> links)
    {
        var at = from;
        while (true)
        {
            var candidate = at.Length == 0 ? NodeModules + name : at + "/" + NodeModules + name;
            if (links.TryGetValue(candidate, out var target))
                return builder.Contains(target) ? target : null;
            if (builder.Contains(candidate))
                return candidate;
            if (at.Length == 0)
                return null;
            var parent = at.LastIndexOf("/" + NodeModules, StringComparison.Ordinal);
            at = parent >= 0 ? at[..parent] : "";
        }
    }

    /// <summary>The name a package is installed under at this path, null when the path is not inside a node_modules folder.</summary>
    private static string? InstalledName(string location)
    {
        var at = location.LastIndexOf(NodeModules, StringComparison.Ordinal);
        if (at < 0 || at > 0 && location[at - 1] != '/')
            return null;
        var name = location[(at + NodeModules.Length)..];
        return name.Length == 0 ? null : name;
    }

    private static string Scope(JsonObject entry) =>
        Json.Str(entry, "devOptional") == "true" ? LockSources.DevOptional
        : Json.Str(entry, "dev") == "true" && Json.Str(entry, "optional") == "true" ? LockSources.DevOptional
        : Json.Str(entry, "dev") == "true" ? LockSources.Dev
        : Json.Str(entry, "optional") == "true" ? LockSources.Optional
        : LockSources.Runtime;

    /// <summary>Where a package came from, by the URL npm resolved it to (a registry tarball has <c>/-/</c> in its path).</summary>
    private static string SourceOf(string? resolved, string? version)
    {
        var text = resolved ?? version;
        if (text is null)
            return LockSources.Registry;
        if (text.StartsWith("git", StringComparison.Ordinal) || text.StartsWith("github:", StringComparison.Ordinal) || text.StartsWith("gitlab:", StringComparison.Ordinal)
            || text.StartsWith("bitbucket:", StringComparison.Ordinal))
            return LockSources.Git;
        if (text.StartsWith("file:", StringComparison.Ordinal))
            return LockSources.File;
        if (text.StartsWith("http://", StringComparison.Ordinal) || text.StartsWith("https://", StringComparison.Ordinal))
            return text.Contains("/-/", StringComparison.Ordinal) ? LockSources.Registry : LockSources.Url;
        return resolved is null ? LockSources.Registry : LockSources.File; // a relative path
    }

    // "workspaces": ["packages/*"] or {"packages": [...]}; a '*' stands for one folder name, '**' for any depth.
    private static List<Regex> WorkspacePatterns(JsonObject? root)
    {
        var patterns = root?["workspaces"] is JsonObject yarnStyle ? Json.Strings(yarnStyle["packages"]) : Json.Strings(root?["workspaces"]);
        return [.. patterns.Select(p => new Regex("^" + Regex.Escape(p.TrimStart('.', '/').TrimEnd('/')).Replace(@"\*\*", ".*").Replace(@"\*", "[^/]*") + "$", RegexOptions.CultureInvariant))];
    }

    [GeneratedRegex(@"^npm:(?<name>@?[^@]+)@(?<version>.+)$")]
    private static partial Regex AliasPattern();
}
