using System.Text.Json.Nodes;
using Cucos.Workers.Metadata;
using Cucos.Workers.Metadata.Locks;
using Cucos.Workers.Metadata.Parsers;

namespace Cucos.Workers.Ecosystems.Crates;

/// <summary>
/// <c>Cargo.lock</c>: every <c>[[package]]</c> with its name, version, source and checksum, and its
/// <c>dependencies</c> as <c>"name"</c>, <c>"name version"</c> or <c>"name version (source)"</c> (the shortest form that
/// is unambiguous in versions 2 to 4; always the full form in version 1, whose checksums sit in the <c>[metadata]</c>
/// table). A package without a source is a path crate of the project: a workspace node.
/// </summary>
public sealed class CargoLockParser : IManifestParser
{
    public string Format => "Cargo.lock";
    public string Ecosystem => "crates";
    public long MaxBytes => Npm.NpmLockParser.MaxLockBytes;
    public bool Accepts(string fileName, string folderName) => fileName == "Cargo.lock";

    public async Task<PackageManifest> ParseAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var lockFile = await TomlDocuments.ReadAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
        if (lockFile["package"] is { } declared and not JsonArray)
            throw new ManifestFormatException("its \"package\" is not an array of tables ([[package]]), as Cargo writes it.");
        var entries = (lockFile["package"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var written = Json.Str(lockFile, "version");
        // Version 1 has no version key; versions 2 and 3 are told apart by Cargo only through this key too.
        var version = written is null ? 1 : int.TryParse(written, out var v) && v is >= 1 and <= 4 ? v
            : throw new ManifestFormatException($"its version is {written}, and only Cargo.lock versions 1 to 4 are known: regenerate it with a current cargo.");
        var checksums = (lockFile["metadata"] as JsonObject)?
            .Where(p => p.Key.StartsWith("checksum ", StringComparison.Ordinal))
            .ToDictionary(p => p.Key["checksum ".Length..], p => Json.Str(p.Value), StringComparer.Ordinal) ?? [];

        var builder = new LockGraphBuilder(file.RelativePath, Format, Ecosystem, "cargo") { LockfileVersion = version };
        var packages = new List<(string Id, string Name, string Version, string? Source, JsonObject Entry)>();
        foreach (var entry in entries)
        {
            if (Json.Str(entry, "name") is not { } name || Json.Str(entry, "version") is not { } packageVersion)
                throw new ManifestFormatException($"package entry {packages.Count + 1} has no name or no version: every [[package]] names both.");
            var source = Json.Str(entry, "source");
            var id = $"{name}@{packageVersion}";
            if (packages.Any(p => p.Id == id))
                id = $"{name}@{packageVersion} ({source ?? "path"})"; // one version from two sources (a git fork of a registry crate)
            var kind = source switch
            {
                null => LockSources.Workspace,
                _ when source.StartsWith("registry+", StringComparison.Ordinal) || source.StartsWith("sparse+", StringComparison.Ordinal) => LockSources.Registry,
                _ when source.StartsWith("git+", StringComparison.Ordinal) => LockSources.Git,
                _ => LockSources.Url,
            };
            var checksum = Json.Str(entry, "checksum") ?? checksums.GetValueOrDefault($"{name} {packageVersion} ({source})");
            if (!builder.Add(id, name, packageVersion, LockSources.Runtime, kind, source, checksum))
                break;
            packages.Add((id, name, packageVersion, source, entry));
        }
        foreach (var package in packages)
            foreach (var reference in Json.Strings(package.Entry["dependencies"]))
                if (Find(packages, reference) is { } target)
                    builder.Edge(package.Id, target);
        var graph = builder.Build();
        var own = graph.Packages.Where(p => p.Source == LockSources.Workspace).ToList();
        return new PackageManifest
        {
            Path = file.RelativePath,
            Format = Format,
            Ecosystem = Ecosystem,
            // A lock of a single crate names it; a workspace's lock names no one package.
            Name = own.Count == 1 ? own[0].Name : null,
            Version = own.Count == 1 ? own[0].Version : null,
            Dependencies = [.. graph.Packages.Where(p => p.Direct).Select(p => new Dependency(p.Name, "=" + p.Version))],
            LockGraph = graph,
        };
    }

    // "name", "name version" or "name version (source)": the one package it names, null when none or several match.
    private static string? Find(List<(string Id, string Name, string Version, string? Source, JsonObject Entry)> packages, string reference)
    {
        var parts = reference.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
            return null;
        var source = parts.Length == 3 ? parts[2].Trim('(', ')') : null;
        var matches = packages.Where(p => p.Name == parts[0] && (parts.Length < 2 || p.Version == parts[1]) && (source is null || p.Source == source)).Take(2).ToList();
        return matches.Count == 1 ? matches[0].Id : null;
    }
}
