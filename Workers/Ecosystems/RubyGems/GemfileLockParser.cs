using System.Text.RegularExpressions;
using Cucos.Workers.Metadata;
using Cucos.Workers.Metadata.Locks;

namespace Cucos.Workers.Ecosystems.RubyGems;

/// <summary>
/// Bundler's <c>Gemfile.lock</c>: the source sections (<c>GEM</c>, <c>GIT</c>, <c>PATH</c>, each with a <c>remote</c>
/// and its <c>specs</c>), where a gem at four spaces is resolved (<c>name (version[-platform])</c>) and the lines at six
/// spaces under it are its own dependencies; <c>DEPENDENCIES</c> lists the Gemfile's (a trailing <c>!</c> marks a gem
/// from a GIT or PATH source), and <c>CHECKSUMS</c> (Bundler 2.5) the digests. Every gem has one resolved version, so a
/// dependency line names its target by name; a gem at several platforms is one node.
/// </summary>
public sealed partial class GemfileLockParser : IManifestParser
{
    public string Format => "Gemfile.lock";
    public string Ecosystem => "rubygems";
    public long MaxBytes => Npm.NpmLockParser.MaxLockBytes;
    public bool Accepts(string fileName, string folderName) => fileName is "Gemfile.lock" or "gems.locked";

    private static readonly HashSet<string> SourceSections = new(StringComparer.Ordinal) { "GEM", "GIT", "PATH", "PLUGIN SOURCE" };

    public async Task<PackageManifest> ParseAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var lines = await File.ReadAllLinesAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
        var builder = new LockGraphBuilder(file.RelativePath, Format, Ecosystem, "gem");
        builder.Add("", "", null, LockSources.Runtime, LockSources.Workspace, null, null);
        var idsByName = new Dictionary<string, string>(StringComparer.Ordinal);
        var requirements = new List<(string From, string Name)>();
        var declared = new List<Dependency>();
        var checksums = new Dictionary<string, string>(StringComparer.Ordinal);
        string? section = null;
        string? remote = null, revision = null;
        string? current = null; // the id of the gem whose dependency lines follow
        var sawSection = false;
        for (var number = 1; number <= lines.Length; number++)
        {
            var line = lines[number - 1].TrimEnd('\r');
            if (line.Length == 0)
                continue;
            if (!char.IsWhiteSpace(line[0]))
            {
                section = line.Trim();
                sawSection = true;
                remote = revision = current = null;
                continue;
            }
            if (section is null)
                throw new ManifestFormatException($"line {number} is indented before any section header (GEM, GIT, PATH, DEPENDENCIES): it is not a Gemfile.lock Bundler wrote.");
            var indent = line.Length - line.TrimStart(' ').Length;
            var text = line.Trim();
            if (SourceSections.Contains(section))
            {
                if (indent == 2 && text.StartsWith("remote:", StringComparison.Ordinal))
                    remote ??= text["remote:".Length..].Trim();
                else if (indent == 2 && text.StartsWith("revision:", StringComparison.Ordinal))
                    revision = text["revision:".Length..].Trim();
                else if (indent == 4 || indent == 6)
                {
                    var match = SpecPattern().Match(text);
                    if (!match.Success)
                        throw new ManifestFormatException($"line {number} ('{text}') is not a gem as Bundler writes one, 'name (version)': the file is damaged.");
                    var name = match.Groups["name"].Value;
                    if (indent == 4)
                    {
                        if (!match.Groups["req"].Success)
                            throw new ManifestFormatException($"line {number} names the gem '{name}' without its resolved version: a spec is written 'name (version)'.");
                        var (version, _) = SplitPlatform(match.Groups["req"].Value);
                        var id = $"{name}@{version}";
                        var source = section switch
                        {
                            "GIT" => LockSources.Git,
                            "PATH" when remote is "." or "./" => LockSources.Workspace,
                            "PATH" => LockSources.File,
                            _ => LockSources.Registry,
                        };
                        var resolved = section == "GIT" && revision is not null ? $"{remote}#{revision}" : remote;
                        if (!builder.Add(id, name, version, LockSources.Runtime, source, resolved, null))
                            break;
                        idsByName.TryAdd(name, id);
                        current = id;
                    }
                    else if (current is not null)
                        requirements.Add((current, name));
                }
            }
            else if (section == "DEPENDENCIES" && indent == 2)
            {
                var match = SpecPattern().Match(text.TrimEnd('!'));
                if (!match.Success)
                    throw new ManifestFormatException($"line {number} ('{text}') is not a dependency as Bundler writes one, 'name (requirement)'.");
                requirements.Add(("", match.Groups["name"].Value));
                declared.Add(new Dependency(match.Groups["name"].Value, match.Groups["req"].Success ? match.Groups["req"].Value : null));
            }
            else if (section == "CHECKSUMS" && indent == 2 && ChecksumPattern().Match(text) is { Success: true } checksum)
            {
                checksums[$"{checksum.Groups["name"].Value}@{SplitPlatform(checksum.Groups["version"].Value).Version}"] = checksum.Groups["sums"].Value;
            }
        }
        if (!sawSection)
            throw new ManifestFormatException("it has none of Gemfile.lock's sections (GEM, GIT, PATH, DEPENDENCIES): it is not a lock Bundler wrote.");
        foreach (var (from, name) in requirements)
            if (idsByName.TryGetValue(name, out var target))
                builder.Edge(from, target);
        // The gem the project itself is (a PATH source at "."): its own dependencies are the project's too.
        foreach (var own in builder.Nodes.Where(n => n.Id.Length > 0 && n.Source == LockSources.Workspace).Select(n => n.Id).ToList())
            builder.Edge("", own);
        var graph = builder.Build();
        graph = graph with { Packages = [.. graph.Packages.Select(p => checksums.TryGetValue(p.Id, out var sums) ? p with { Integrity = sums } : p)] };
        var self = graph.Packages.Where(p => p.Id.Length > 0 && p.Source == LockSources.Workspace).ToList();
        return new PackageManifest
        {
            Path = file.RelativePath,
            Format = Format,
            Ecosystem = Ecosystem,
            Name = self.Count == 1 ? self[0].Name : null,
            Version = self.Count == 1 ? self[0].Version : null,
            Dependencies = [.. declared.Where(d => self.All(s => s.Name != d.Name))],
            LockGraph = graph,
        };
    }

    // "1.15.4-x86_64-linux": RubyGems versions hold no '-', so the platform starts at the first one.
    private static (string Version, string? Platform) SplitPlatform(string written) =>
        written.IndexOf('-', StringComparison.Ordinal) is var dash and > 0 ? (written[..dash], written[(dash + 1)..]) : (written, null);

    [GeneratedRegex(@"^(?<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\s+\((?<req>[^)]*)\))?$")]
    private static partial Regex SpecPattern();

    [GeneratedRegex(@"^(?<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s+\((?<version>[^)]*)\)(?:\s+(?<sums>\S.*))?$")]
    private static partial Regex ChecksumPattern();
}
