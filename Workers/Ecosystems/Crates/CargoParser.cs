using System.Text.Json.Nodes;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.Crates;

/// <summary>
/// Rust's <c>Cargo.toml</c>. A field inherited from the workspace (<c>version.workspace = true</c>) is read from
/// <c>[workspace.package]</c> / <c>[workspace.dependencies]</c> of the same file when it is there.
/// </summary>
public sealed class CargoParser : IManifestParser
{
    public string Format => "Cargo.toml";
    public string Ecosystem => "crates";
    public bool Accepts(string fileName, string folderName) => fileName == "Cargo.toml";

    public async Task<PackageManifest> ParseAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var root = await TomlDocuments.ReadAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
        var package = root["package"] as JsonObject ?? root["project"] as JsonObject; // [project] is the pre-1.0 name
        var workspace = root["workspace"] as JsonObject;
        var inherited = workspace?["package"] as JsonObject;
        var workspaceDependencies = workspace?["dependencies"] as JsonObject;

        string? Field(string key) => package?[key] is JsonObject { } o && Json.Str(o, "workspace") == "true" ? Json.Str(inherited, key) : Json.Str(package, key);
        JsonNode? Node(string key) => package?[key] is JsonObject { } o && Json.Str(o, "workspace") == "true" ? inherited?[key] : package?[key];

        var optional = new Dictionary<string, IReadOnlyList<Dependency>>(StringComparer.Ordinal);
        var runtime = Dependencies(root["dependencies"] as JsonObject, workspaceDependencies, out var optionalRuntime);
        if (optionalRuntime.Count > 0)
            optional["optional"] = optionalRuntime;
        if (Dependencies(root["build-dependencies"] as JsonObject, workspaceDependencies, out _) is { Count: > 0 } build)
            optional["build"] = build;
        // Platform-specific tables: [target.'cfg(unix)'.dependencies]
        if (root["target"] is JsonObject targets)
            foreach (var (target, table) in targets)
                if (Dependencies(Json.Child(table, "dependencies") as JsonObject, workspaceDependencies, out _) is { Count: > 0 } specific)
                    runtime.AddRange(specific.Select(d => d with { Marker = target }));

        var scripts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var bin in root["bin"] as JsonArray ?? [])
            if (Json.Str(bin, "name") is { } name)
                scripts["bin:" + name] = Json.Str(bin, "path") ?? $"src/bin/{name}.rs";

        var engines = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Field("rust-version") is { } rust)
            engines["rust"] = rust;
        if (Field("edition") is { } edition)
            engines["edition"] = edition;

        var license = Field("license");
        return new PackageManifest
        {
            Path = file.RelativePath,
            Format = Format,
            Ecosystem = Ecosystem,
            Name = Json.Str(package, "name"),
            Version = Field("version"),
            Description = Field("description"),
            DeclaredLicense = license is not null ? SpdxLicenses.Declared(license)
                : Field("license-file") is { } licenseFile ? new DeclaredLicense("file: " + licenseFile, null) : DeclaredLicense.None,
            Homepage = Field("homepage"),
            CodeRepository = RepositoryUrls.Normalize(Field("repository")),
            Author = People.List(Node("authors")).FirstOrDefault(),
            Contributors = [.. People.List(Node("authors")).Skip(1)],
            Keywords = [.. Json.Strings(Node("keywords")), .. Json.Strings(Node("categories"))],
            Engines = engines,
            Dependencies = runtime,
            DevDependencies = Dependencies(root["dev-dependencies"] as JsonObject, workspaceDependencies, out _),
            OptionalDependencies = optional,
            Scripts = scripts,
            Files = Json.Strings(Node("include")),
        };
    }

    /// <summary><c>name = "1.2"</c>, <c>name = { version = "1.2", optional = true, package = "real-name" }</c>, git and path sources.</summary>
    private static List<Dependency> Dependencies(JsonObject? table, JsonObject? workspaceDependencies, out List<Dependency> optional)
    {
        var runtime = new List<Dependency>();
        optional = [];
        if (table is null)
            return runtime;
        foreach (var (key, value) in table)
        {
            var declaration = value is JsonObject o && Json.Str(o, "workspace") == "true" && workspaceDependencies?[key] is { } shared
                ? Merge(shared, o)
                : value;
            // A renamed dependency is published under "package"; the key is only the local name.
            var name = Json.Str(declaration, "package") ?? key;
            var spec = declaration is JsonObject detail
                ? Json.Str(detail, "version")
                    ?? (Json.Str(detail, "git") is { } git ? "git+" + git : null)
                    ?? (Json.Str(detail, "path") is { } path ? "path:" + path : null)
                : Json.Str(declaration);
            (Json.Str(declaration, "optional") == "true" ? optional : runtime).Add(new Dependency(name, spec));
        }
        return runtime;
    }

    private static JsonObject Merge(JsonNode shared, JsonObject local)
    {
        var merged = shared is JsonObject table ? (JsonObject)table.DeepClone() : new JsonObject { ["version"] = Json.Str(shared) };
        foreach (var (key, value) in local)
            if (key != "workspace")
                merged[key] = value?.DeepClone();
        return merged;
    }
}
