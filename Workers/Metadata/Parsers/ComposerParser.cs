using System.Text.Json.Nodes;
using Cucos.Workers.Ecosystems.Npm;

namespace Cucos.Workers.Metadata.Parsers;

/// <summary>PHP's <c>composer.json</c>; <c>php</c>, <c>ext-*</c> and <c>lib-*</c> requirements are platform requirements, not packages.</summary>
public sealed class ComposerParser : IManifestParser
{
    public string Format => "composer.json";
    public string Ecosystem => "packagist";
    public bool Accepts(string fileName, string folderName) => fileName == "composer.json";

    public async Task<PackageManifest> ParseAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var root = await NpmParser.ReadJsonObjectAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
        var (require, platform) = Split(Json.DependencyMap(root["require"]));
        var (requireDev, _) = Split(Json.DependencyMap(root["require-dev"]));
        var support = root["support"] as JsonObject;
        var scripts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root["scripts"] is JsonObject declared)
            foreach (var (name, command) in declared)
                scripts[name] = command is JsonArray steps ? string.Join(" && ", Json.Strings(steps)) : Json.Str(command) ?? "";
        foreach (var bin in Json.Strings(root["bin"]))
            scripts["bin:" + Path.GetFileName(bin)] = bin;
        var suggest = Json.DependencyMap(root["suggest"]);
        return new PackageManifest
        {
            Path = file.RelativePath,
            Format = Format,
            Ecosystem = Ecosystem,
            Name = Json.Str(root, "name"),
            Version = Json.Str(root, "version"),
            Description = Json.Str(root, "description"),
            // An array of licences is disjunctive in composer's schema: the user picks one.
            DeclaredLicense = SpdxLicenses.DeclaredAny(Json.Strings(root["license"])),
            Homepage = Json.Str(root, "homepage"),
            CodeRepository = RepositoryUrls.Normalize(Json.Str(support, "source")),
            BugTracker = Json.Str(support, "issues"),
            Author = People.List(root["authors"]) is { Count: > 0 } authors ? authors[0] : null,
            Contributors = People.List(root["authors"]) is { Count: > 1 } more ? [.. more.Skip(1)] : [],
            Keywords = Json.Strings(root["keywords"]),
            Engines = platform.ToDictionary(d => d.Name, d => d.Spec ?? "*", StringComparer.Ordinal),
            Dependencies = require,
            DevDependencies = requireDev,
            OptionalDependencies = suggest.Count > 0 ? new Dictionary<string, IReadOnlyList<Dependency>> { ["suggest"] = suggest } : [],
            Scripts = scripts,
            Files = Json.Strings(Json.Path(root, "archive", "exclude")).Select(p => "!" + p).ToList(),
        };
    }

    private static (List<Dependency> Packages, List<Dependency> Platform) Split(IReadOnlyList<Dependency> all)
    {
        var platform = all.Where(d => d.Name is "php" or "php-64bit" or "hhvm" or "composer-plugin-api" or "composer-runtime-api"
            || d.Name.StartsWith("ext-", StringComparison.Ordinal) || d.Name.StartsWith("lib-", StringComparison.Ordinal)).ToList();
        return ([.. all.Except(platform)], platform);
    }
}
