using System.Text;
using System.Text.RegularExpressions;
using Cucos.Workers.Metadata;
using Cucos.Workers.Metadata.Locks;
using Cucos.Workers.Metadata.Parsers;

namespace Cucos.Workers.Ecosystems.PyPi;

/// <summary>
/// pip's requirements files (<c>requirements.txt</c>, <c>requirements-dev.txt</c>, ...): PEP 508 requirements with
/// extras and markers, <c>--hash</c> options, continuation lines, comments, <c>-e</c> editable sources and URLs, and
/// <c>-r</c>/<c>-c</c> includes, followed only inside the package and only so deep. Only an exact pin (<c>==1.2.3</c>,
/// <c>===1.2.3</c>) is a resolved version; a range is kept as the requirement with no version. pip-compile's
/// <c>#   via x</c> comments give the edges between packages; without them every requirement hangs from the root.
/// </summary>
public sealed partial class RequirementsParser(bool main) : IManifestParser
{
    /// <summary>How deep <c>-r</c> includes are followed, and how many files one requirements file may pull in.</summary>
    public const int MaxIncludeDepth = 8;
    public const int MaxIncludedFiles = 64;

    // Formats are distinct per parser: the siblings (requirements-dev.txt, ...) are reported as requirements*.txt.
    public string Format => main ? "requirements.txt" : "requirements*.txt";
    public string Ecosystem => "pypi";

    // Two instances: requirements.txt itself first, so it is its folder's lock graph; then its siblings.
    public bool Accepts(string fileName, string folderName) => main
        ? fileName == "requirements.txt"
        : fileName != "requirements.txt" && fileName.StartsWith("requirements", StringComparison.Ordinal) && fileName.EndsWith(".txt", StringComparison.Ordinal);

    private sealed record Requirement(string Name, string? Spec, string? Marker, string? Version, string Source, string? Resolved, string? Hashes, IReadOnlyList<string> Via, bool Constraint);

    public async Task<PackageManifest> ParseAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(file.Tree.Root);
        var requirements = new List<Requirement>();
        var notRead = new List<string>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        await ReadAsync(Path.GetFullPath(file.FullPath), 0, constraint: false).ConfigureAwait(false);

        var builder = new LockGraphBuilder(file.RelativePath, Format, Ecosystem, "pypi");
        builder.Add("", "", null, LockSources.Runtime, LockSources.Workspace, null, null);
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        // A constraint (-c) only pins what a requirement names: it adds no package of its own.
        var pins = requirements.Where(r => r.Constraint && r.Version is not null).GroupBy(r => Normalise(r.Name)).ToDictionary(g => g.Key, g => g.First());
        foreach (var requirement in requirements.Where(r => !r.Constraint))
        {
            var key = Normalise(requirement.Name);
            if (ids.ContainsKey(key))
                continue; // the same name twice (under two markers): the first line is the one pip reads first
            var pinned = requirement.Version is null && pins.TryGetValue(key, out var pin) ? pin : requirement;
            var id = pinned.Version is null ? key : $"{key}@{pinned.Version}";
            if (!builder.Add(id, requirement.Name, pinned.Version, LockSources.Runtime, requirement.Source, requirement.Resolved, pinned.Hashes ?? requirement.Hashes))
                break;
            ids[key] = id;
        }
        var hasVia = requirements.Any(r => r.Via.Count > 0);
        foreach (var requirement in requirements.Where(r => !r.Constraint))
        {
            if (!ids.TryGetValue(Normalise(requirement.Name), out var to))
                continue;
            var parents = requirement.Via.Where(v => !v.StartsWith('-')).Select(Normalise).Where(ids.ContainsKey).ToList();
            // Direct: no via comments at all, or one naming an input file (-r requirements.in) rather than a package.
            if (!hasVia || requirement.Via.Count == 0 || requirement.Via.Any(v => v.StartsWith('-')) || parents.Count == 0)
                builder.Edge("", to);
            foreach (var parent in parents)
                builder.Edge(ids[parent], to);
        }
        var built = builder.Build();
        var graph = notRead.Count > 0 ? built with { Truncated = built.Truncated ?? string.Join(" ", notRead.Take(5)) } : built;
        var direct = graph.Packages.Where(p => p.Direct).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        return new PackageManifest
        {
            Path = file.RelativePath,
            Format = Format,
            Ecosystem = Ecosystem,
            Dependencies = [.. requirements.Where(r => !r.Constraint && direct.Contains(r.Name)).DistinctBy(r => Normalise(r.Name))
                .Select(r => new Dependency(r.Name, r.Spec) { Marker = r.Marker })],
            LockGraph = graph,
        };

        async Task ReadAsync(string path, int depth, bool constraint)
        {
            if (!visited.Add(path))
                return; // a cycle of includes, or one file included twice
            var lines = await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false);
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            var inVia = false;
            foreach (var (number, text, comment) in LogicalLines(lines))
            {
                if (comment is not null && text.Length == 0)
                {
                    // pip-compile: "#   via x, y" under a requirement, or "# via" followed by one "#   x" line per parent.
                    var names = ViaPattern().Match(comment) is { Success: true } via ? via.Groups["names"].Value
                        : inVia && ViaNamePattern().Match(comment) is { Success: true } name ? name.Groups["name"].Value
                        : null;
                    inVia = names is not null;
                    if (names is not null && requirements.Count > 0)
                    {
                        var last = requirements[^1];
                        requirements[^1] = last with { Via = [.. last.Via, .. names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] };
                    }
                    continue;
                }
                inVia = false;
                if (text.Length == 0)
                    continue;
                if (IncludePattern().Match(text) is { Success: true } include)
                {
                    var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, include.Groups["file"].Value));
                    var shown = include.Groups["file"].Value;
                    if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Escapes(target, root))
                        notRead.Add($"{relative} line {number} includes '{shown}', which is outside the package, so it was not read.");
                    else if (depth + 1 > MaxIncludeDepth || visited.Count >= MaxIncludedFiles)
                        notRead.Add($"{relative} line {number} includes '{shown}' past the limit of {MaxIncludeDepth} levels or {MaxIncludedFiles} files, so it was not read.");
                    else if (!File.Exists(target))
                        notRead.Add($"{relative} line {number} includes '{shown}', which is not in the package.");
                    else
                        await ReadAsync(target, depth + 1, constraint || include.Groups["option"].Value is "-c" or "--constraint").ConfigureAwait(false);
                    continue;
                }
                if (Parse(text, number, relative) is { } requirement)
                    requirements.Add(requirement with { Constraint = constraint });
            }
        }
    }

    /// <summary>One requirement line, or null for an option line (an index URL, --no-binary, ...).</summary>
    private static Requirement? Parse(string text, int number, string file)
    {
        var hashes = HashPattern().Matches(text).Select(m => m.Groups["hash"].Value).ToList();
        text = HashPattern().Replace(text, "").Trim();
        var editable = EditablePattern().Match(text);
        if (editable.Success)
            text = editable.Groups["target"].Value.Trim();
        else if (text.StartsWith('-'))
            return null; // a global option: --index-url, --extra-index-url, -f, --pre, --no-binary ...
        // A URL or a path: git+https://...#egg=name, ./local, a wheel file.
        if (SourcePattern().Match(text) is { Success: true } url)
        {
            var location = url.Value;
            var name = EggPattern().Match(location) is { Success: true } egg ? egg.Groups["name"].Value
                : WheelPattern().Match(location) is { Success: true } wheel ? wheel.Groups["name"].Value
                : location.TrimEnd('/').Split('/')[^1];
            var source = location.StartsWith("git+", StringComparison.Ordinal) ? LockSources.Git
                : location.Contains("://", StringComparison.Ordinal) && !location.StartsWith("file:", StringComparison.Ordinal) ? LockSources.Url
                : LockSources.File;
            var version = WheelPattern().Match(location) is { Success: true } w ? w.Groups["version"].Value : null;
            return new Requirement(name, location, null, version, source, location, Join(hashes), [], false);
        }
        var extras = ExtrasPattern().Match(text);
        var dependency = Pep508.Parse(text)
            ?? throw new ManifestFormatException($"{file} line {number} ('{Shorten(text)}') is not a requirement pip reads: write 'name==version', 'name>=x,<y' or an option.");
        var spec = dependency.Spec;
        if (spec is not null && spec.Contains("://", StringComparison.Ordinal))
            return new Requirement(dependency.Name, spec, dependency.Marker, null, spec.StartsWith("git+", StringComparison.Ordinal) ? LockSources.Git : LockSources.Url, spec, Join(hashes), [], false);
        var pinned = spec is not null && PinPattern().Match(spec) is { Success: true } pin ? pin.Groups["version"].Value : null;
        var written = extras.Success ? extras.Value + (spec ?? "") : spec;
        return new Requirement(dependency.Name, written, dependency.Marker, pinned, LockSources.Registry, null, Join(hashes), [], false);
    }

    /// <summary>Lines with their continuations joined, and the comment of each (pip: '#' at the start or after whitespace).</summary>
    private static IEnumerable<(int Number, string Text, string? Comment)> LogicalLines(string[] lines)
    {
        var text = new StringBuilder();
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (text.Length == 0)
                start = i + 1;
            var hash = CommentPattern().Match(line);
            string? comment = hash.Success ? line[(hash.Index + hash.Length - 1)..] : null;
            var content = hash.Success ? line[..hash.Index] : line;
            if (comment is null && content.EndsWith('\\'))
            {
                text.Append(content[..^1]).Append(' ');
                continue;
            }
            text.Append(content);
            yield return (start, text.ToString().Trim(), comment);
            text.Clear();
        }
        if (text.Length > 0)
            yield return (start, text.ToString().Trim(), null);
    }

    // A symbolic link inside the package that leads out of it.
    private static bool Escapes(string path, string root)
    {
        try
        {
            var info = new FileInfo(path);
            return info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } final
                && !Path.GetFullPath(final.FullName).StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return true;
        }
    }

    // PEP 503's normal form: runs of -, _ and . are one '-', lower case.
    private static string Normalise(string name) => SeparatorRun().Replace(name, "-").ToLowerInvariant();

    private static string? Join(List<string> hashes) => hashes.Count == 0 ? null : string.Join(' ', hashes);

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

    [GeneratedRegex(@"(^|\s)#")]
    private static partial Regex CommentPattern();

    [GeneratedRegex(@"^#\s*via(?:\s+(?<names>.*))?$")]
    private static partial Regex ViaPattern();

    [GeneratedRegex(@"^#\s+(?<name>-r \S+|-c \S+|[A-Za-z0-9][A-Za-z0-9._\[\]-]*)\s*$")]
    private static partial Regex ViaNamePattern();

    [GeneratedRegex(@"^(?<option>-r|--requirement|-c|--constraint)(?:\s+|=)(?<file>\S+)$")]
    private static partial Regex IncludePattern();

    [GeneratedRegex(@"\s*--hash[=\s](?<hash>\S+)")]
    private static partial Regex HashPattern();

    [GeneratedRegex(@"^(?:-e|--editable)(?:\s+|=)(?<target>.+)$")]
    private static partial Regex EditablePattern();

    [GeneratedRegex(@"^(?:[a-z][a-z0-9+.-]*://\S+|\.{1,2}/\S*|/\S+|\S+\.whl|\S+\.tar\.gz|\S+\.zip)$")]
    private static partial Regex SourcePattern();

    [GeneratedRegex(@"#egg=(?<name>[A-Za-z0-9._-]+)")]
    private static partial Regex EggPattern();

    [GeneratedRegex(@"(?:^|/)(?<name>[A-Za-z0-9._]+)-(?<version>[0-9][^-]*)-[^/]*\.whl$")]
    private static partial Regex WheelPattern();

    [GeneratedRegex(@"(?<=^[A-Za-z0-9._-]+\s*)\[[^\]]*\]")]
    private static partial Regex ExtrasPattern();

    [GeneratedRegex(@"^===?(?<version>[^,;*\s]+)$")]
    private static partial Regex PinPattern();

    [GeneratedRegex(@"[-_.]+")]
    private static partial Regex SeparatorRun();
}
