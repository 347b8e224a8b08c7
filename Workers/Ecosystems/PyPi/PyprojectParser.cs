using System.Text.Json.Nodes;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.PyPi;

/// <summary>
/// <c>pyproject.toml</c>: the PEP 621 <c>[project]</c> table, PEP 735 dependency groups, and Poetry's
/// <c>[tool.poetry]</c> where <c>[project]</c> does not say (Poetry 2 allows both). Fields listed in
/// <c>dynamic</c> are computed by the build backend and reported as such.
/// </summary>
public sealed class PyprojectParser : IManifestParser
{
    public string Format => "pyproject.toml";
    public string Ecosystem => "pypi";
    public bool Accepts(string fileName, string folderName) => fileName == "pyproject.toml";

    public async Task<PackageManifest> ParseAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var root = await TomlDocuments.ReadAsync(file.FullPath, cancellationToken).ConfigureAwait(false);
        var project = root["project"] as JsonObject;
        var poetry = Json.Path(root, "tool", "poetry") as JsonObject;

        var pep621Urls = project?["urls"] is JsonObject urlTable
            ? ProjectUrls.FromPairs(urlTable.Select(p => (p.Key, Json.Str(p.Value) ?? "")))
            : new ProjectUrls(null, null, null);
        var authors = Pep621People(project?["authors"]);
        var poetryAuthors = People.List(poetry?["authors"]);

        var engines = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Json.Str(project, "requires-python") is { } python)
            engines["python"] = python;
        var (poetryDeps, poetryPython, poetryOptional) = PoetryDependencies(poetry?["dependencies"] as JsonObject);
        if (poetryPython is not null)
            engines.TryAdd("python", poetryPython);

        var runtime = Json.Strings(project?["dependencies"]).Select(Pep508.Parse).OfType<Dependency>().ToList();
        var optional = new Dictionary<string, IReadOnlyList<Dependency>>(StringComparer.Ordinal);
        if (project?["optional-dependencies"] is JsonObject extras)
            foreach (var (extra, list) in extras)
                optional[extra] = [.. Json.Strings(list).Select(Pep508.Parse).OfType<Dependency>()];
        if (poetryOptional.Count > 0 && optional.Count == 0)
            optional["optional"] = poetryOptional;

        var dev = new List<Dependency>();
        // PEP 735 groups, then Poetry's legacy dev-dependencies and its groups: all are not shipped to users.
        if (root["dependency-groups"] is JsonObject groups)
            foreach (var (_, list) in groups)
                dev.AddRange(Json.Strings(list).Select(Pep508.Parse).OfType<Dependency>());
        dev.AddRange(PoetryDependencies(poetry?["dev-dependencies"] as JsonObject).Runtime);
        if (poetry?["group"] is JsonObject poetryGroups)
            foreach (var (_, group) in poetryGroups)
                dev.AddRange(PoetryDependencies(Json.Child(group, "dependencies") as JsonObject).Runtime);

        var scripts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in new[] { project?["scripts"], project?["gui-scripts"], poetry?["scripts"] })
            foreach (var (name, target) in Json.StringMap(table))
                scripts.TryAdd(name, target);

        return new PackageManifest
        {
            Path = file.RelativePath,
            Format = Format,
            Ecosystem = Ecosystem,
            Name = Json.Str(project, "name") ?? Json.Str(poetry, "name"),
            Version = Json.Str(project, "version") ?? Json.Str(poetry, "version"),
            Description = Json.Str(project, "description") ?? Json.Str(poetry, "description"),
            DeclaredLicense = License(project, poetry),
            Homepage = pep621Urls.Homepage ?? Json.Str(poetry, "homepage"),
            CodeRepository = RepositoryUrls.Normalize(pep621Urls.Repository ?? Json.Str(poetry, "repository")),
            BugTracker = pep621Urls.BugTracker ?? ProjectUrls.FromPairs(Json.StringMap(poetry?["urls"]).Select(p => (p.Key, p.Value))).BugTracker,
            Author = authors.FirstOrDefault() ?? poetryAuthors.FirstOrDefault(),
            Maintainers = Pep621People(project?["maintainers"]) is { Count: > 0 } maintainers ? maintainers : People.List(poetry?["maintainers"]),
            Contributors = [.. (authors.Count > 0 ? authors : poetryAuthors).Skip(1)],
            Keywords = Json.Strings(project?["keywords"]) is { Count: > 0 } keywords ? keywords : Json.Strings(poetry?["keywords"]),
            Engines = engines,
            Dependencies = runtime.Count > 0 ? runtime : poetryDeps,
            DevDependencies = dev,
            OptionalDependencies = optional,
            Scripts = scripts,
            Files = [.. Json.Strings(project?["license-files"]), .. PoetryIncludes(poetry)],
            Dynamic = Json.Strings(project?["dynamic"]),
        };
    }

    // PEP 621: license = "SPDX expr" (PEP 639) | { text = "..." } | { file = "LICENSE" }; Poetry: license = "MIT".
    private static DeclaredLicense License(JsonObject? project, JsonObject? poetry)
    {
        switch (project?["license"])
        {
            case JsonValue value:
                return SpdxLicenses.Declared(Json.Str(value));
            case JsonObject table when Json.Str(table, "text") is { } text:
                return SpdxLicenses.Declared(text);
            case JsonObject table when Json.Str(table, "file") is { } licenseFile:
                return new DeclaredLicense("file: " + licenseFile, FromClassifiers(project));
        }
        if (Json.Str(poetry, "license") is { } poetryLicense)
            return SpdxLicenses.Declared(poetryLicense);
        var classifiers = Json.Strings(project?["classifiers"]).Concat(Json.Strings(poetry?["classifiers"]))
            .Where(c => c.StartsWith("License ::", StringComparison.Ordinal)).ToList();
        return SpdxLicenses.DeclaredAny(classifiers);
    }

    private static string? FromClassifiers(JsonObject? project) =>
        Json.Strings(project?["classifiers"]).Where(c => c.StartsWith("License ::", StringComparison.Ordinal)).ToList() is { Count: > 0 } list
            ? SpdxLicenses.Any(list) : null;

    private static List<Person> Pep621People(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(p => p is JsonObject o ? Person(o) : null).OfType<Person>()] : [];

    private static Person? Person(JsonObject table)
    {
        var (name, email) = (Json.Str(table, "name"), Json.Str(table, "email"));
        return name is null && email is null ? null : new Person(name, email);
    }

    /// <summary>
    /// Poetry's <c>name = "^1.2"</c> or <c>name = { version = "^1.2", optional = true }</c>; git, path and url
    /// sources keep their location as the spec. <c>python</c> is the interpreter requirement.
    /// </summary>
    private static (List<Dependency> Runtime, string? Python, List<Dependency> Optional) PoetryDependencies(JsonObject? table)
    {
        var (runtime, optional) = (new List<Dependency>(), new List<Dependency>());
        string? python = null;
        if (table is null)
            return (runtime, python, optional);
        foreach (var (name, value) in table)
        {
            if (name.Equals("python", StringComparison.OrdinalIgnoreCase))
            {
                python = Json.Str(value);
                continue;
            }
            // A list of constraints (by platform or Python version): the first one stands for the dependency.
            var declaration = value is JsonArray alternatives ? alternatives.FirstOrDefault() : value;
            var spec = declaration is JsonObject detail
                ? Json.Str(detail, "version")
                    ?? (Json.Str(detail, "git") is { } git ? "git+" + git : null)
                    ?? (Json.Str(detail, "path") is { } path ? "path:" + path : null)
                    ?? Json.Str(detail, "url")
                : Json.Str(declaration);
            var dependency = new Dependency(name, spec) { Marker = declaration is JsonObject d ? Json.Str(d, "markers") : null };
            (Json.Str(declaration, "optional") == "true" ? optional : runtime).Add(dependency);
        }
        return (runtime, python, optional);
    }

    private static IEnumerable<string> PoetryIncludes(JsonObject? poetry) =>
        (poetry?["include"] as JsonArray ?? []).Select(i => i is JsonObject o ? Json.Str(o, "path") : Json.Str(i)).OfType<string>();
}
