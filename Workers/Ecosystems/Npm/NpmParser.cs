using System.Text.Json.Nodes;
using System.Text.Json;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.Npm;

/// <summary>npm's <c>package.json</c>; the lock files beside it are manifests of their own (<see cref="NpmLockParser"/>), merged into its folder's details.</summary>
public sealed class NpmParser : IManifestParser
{
    public string Format => "package.json";
    public string Ecosystem => "npm";
    public bool Accepts(string fileName, string folderName) => fileName == "package.json";

    public async Task<PackageManifest> ParseAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var root = await ReadJsonObjectAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
        var optional = new Dictionary<string, IReadOnlyList<Dependency>>(StringComparer.Ordinal);
        foreach (var (key, group) in new[] { ("optionalDependencies", "optional"), ("peerDependencies", "peer"), ("bundleDependencies", "bundled") })
            if (root[key] is JsonObject deps && Json.DependencyMap(deps) is { Count: > 0 } list)
                optional[group] = list;

        var optionalNames = (root["optionalDependencies"] as JsonObject)?.Select(p => p.Key).ToHashSet(StringComparer.Ordinal) ?? [];
        return new PackageManifest
        {
            Path = file.RelativePath,
            Format = Format,
            Ecosystem = Ecosystem,
            Name = Json.Str(root, "name"),
            Version = Json.Str(root, "version"),
            Description = Json.Str(root, "description"),
            DeclaredLicense = License(root),
            Homepage = Json.Str(root, "homepage"),
            CodeRepository = root["repository"] switch
            {
                JsonObject repository => RepositoryUrls.Normalize(Json.Str(repository, "url"), Json.Str(repository, "type")),
                var other => RepositoryUrls.Normalize(Json.Str(other)),
            },
            BugTracker = root["bugs"] is JsonObject bugs ? Json.Str(bugs, "url") ?? Json.Str(bugs, "email") : Json.Str(root, "bugs"),
            Author = People.FromNode(root["author"]),
            Maintainers = People.List(root["maintainers"]),
            Contributors = People.List(root["contributors"]),
            Keywords = root["keywords"] is JsonValue text ? SplitKeywords(Json.Str(text)) : Json.Strings(root["keywords"]),
            Engines = Json.StringMap(root["engines"]),
            // npm lists optionalDependencies in dependencies too when installed; the declared runtime set excludes them.
            Dependencies = [.. Json.DependencyMap(root["dependencies"]).Where(d => !optionalNames.Contains(d.Name))],
            DevDependencies = Json.DependencyMap(root["devDependencies"]),
            OptionalDependencies = optional,
            Scripts = Scripts(root),
            Files = Json.Strings(root["files"]),
        };
    }

    /// <summary>Reads a JSON file whose top level must be an object; a last duplicate key wins, as in JSON.parse.</summary>
    public static async Task<JsonObject> ReadJsonObjectAsync(string path, CancellationToken cancellationToken)
    {
        // Synchronous reads of a local file: on Linux asynchronous file handles only add a thread-pool hop.
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 16 * 1024, FileOptions.SequentialScan);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
            throw new ManifestFormatException($"the top level is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object.");
        return ToNode(document.RootElement) as JsonObject ?? [];
    }

    private static JsonNode? ToNode(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                    obj[property.Name] = ToNode(property.Value);
                return obj;
            case JsonValueKind.Array:
                return new JsonArray([.. element.EnumerateArray().Select(ToNode)]);
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return null;
            case JsonValueKind.String:
                return JsonValue.Create(element.GetString());
            case JsonValueKind.True:
            case JsonValueKind.False:
                return JsonValue.Create(element.GetBoolean());
            default:
                return JsonValue.Create(element.Clone()); // a number, kept as written
        }
    }

    // "license": "MIT" | {"type": "MIT", "url": ...} | legacy "licenses": [{"type": ...}, "MIT"].
    private static DeclaredLicense License(JsonObject root)
    {
        var declared = root["license"] ?? root["licenses"];
        var raws = declared switch
        {
            JsonArray array => [.. array.Select(item => item is JsonObject o ? Json.Str(o, "type") ?? Json.Str(o, "name") : Json.Str(item)).OfType<string>()],
            JsonObject obj => Json.Str(obj, "type") is { } type ? [type] : [],
            _ => Json.Strings(declared),
        };
        return raws.Count == 1 ? SpdxLicenses.Declared(raws[0]) : SpdxLicenses.DeclaredAny(raws);
    }

    private static Dictionary<string, string> Scripts(JsonObject root)
    {
        var scripts = Json.StringMap(root["scripts"]);
        switch (root["bin"])
        {
            case JsonObject bins:
                foreach (var (name, target) in Json.StringMap(bins))
                    scripts["bin:" + name] = target;
                break;
            case JsonValue when Json.Str(root, "bin") is { } single && Json.Str(root, "name") is { } name:
                scripts["bin:" + name[(name.IndexOf('/') + 1)..]] = single;
                break;
        }
        return scripts;
    }

    // npm splits a keywords string at commas.
    private static string[] SplitKeywords(string? text) =>
        text is null ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
