using System.Text.Json.Nodes;
using System.Text.Json;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.Npm;

/// <summary>npm's <c>package.json</c>, with the locked tree of an <c>npm-shrinkwrap.json</c> or <c>package-lock.json</c> beside it.</summary>
public sealed class NpmParser : IManifestParser
{
    // npm reads a shrinkwrap in preference to a package lock when both exist.
    private static readonly string[] LockFiles = ["npm-shrinkwrap.json", "package-lock.json"];

    public string Format => "package.json";
    public string Ecosystem => "npm";
    public bool Accepts(string fileName, string folderName) => fileName == "package.json";

    public async Task<PackageManifest> ParseAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var root = await ReadJsonObjectAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
        var lockPath = LockFiles.Select(name => Path.Combine(file.Directory, name)).FirstOrDefault(File.Exists);
        LockedTree? locked = null;
        if (lockPath is not null)
        {
            var relative = Path.GetRelativePath(file.Tree.Root, lockPath).Replace('\\', '/');
            try
            {
                locked = ReadLock(relative, await ReadJsonObjectAsync(lockPath, cancellationToken).ConfigureAwait(false));
            }
            catch (JsonException exception)
            {
                throw new ManifestFormatException($"lock file '{relative}' is not valid JSON: {exception.Message}");
            }
        }

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
            LockedTree = locked,
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

    /// <summary>A lock file's packages: v2/v3 list them flat by install path, v1 nests them under "dependencies".</summary>
    private static LockedTree ReadLock(string relativePath, JsonObject lockFile)
    {
        var version = int.TryParse(Json.Str(lockFile, "lockfileVersion"), out var v) ? v : 1;
        var packages = new List<LockedPackage>();
        if (lockFile["packages"] is JsonObject flat)
        {
            foreach (var (location, node) in flat)
            {
                if (location.Length == 0 || node is not JsonObject entry)
                    continue; // "" is the root project itself
                var name = Json.Str(entry, "name") ?? location[(location.LastIndexOf("node_modules/", StringComparison.Ordinal) + "node_modules/".Length)..];
                packages.Add(Locked(name, location, entry));
            }
        }
        else
        {
            Walk(lockFile["dependencies"] as JsonObject, "");
        }
        packages.Sort((a, b) => string.CompareOrdinal(a.Location, b.Location));
        return new LockedTree(relativePath, version, packages);

        void Walk(JsonObject? dependencies, string prefix)
        {
            if (dependencies is null)
                return;
            foreach (var (name, node) in dependencies)
            {
                if (node is not JsonObject entry)
                    continue;
                var location = prefix + "node_modules/" + name;
                packages.Add(Locked(name, location, entry));
                Walk(entry["dependencies"] as JsonObject, location + "/");
            }
        }
    }

    private static LockedPackage Locked(string name, string location, JsonObject entry) => new(
        name, Json.Str(entry, "version"), location,
        Json.Str(entry, "dev") == "true", Json.Str(entry, "optional") == "true",
        Json.Str(entry, "resolved"), Json.Str(entry, "integrity"));
}
