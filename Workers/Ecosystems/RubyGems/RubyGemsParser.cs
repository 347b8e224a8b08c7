using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Cucos.Workers.Ecosystems.RubyGems;

/// <summary>
/// RubyGems: the YAML specification a built gem carries (<c>metadata.gz</c>), and
/// a source tree's <c>*.gemspec</c>, which is Ruby and therefore only read: string literals assigned to the
/// specification's attributes and the <c>add_*_dependency</c> calls. Computed values (<c>Foo::VERSION</c>) are dynamic.
/// </summary>
public sealed partial class RubyGemsParser : IManifestParser
{
    public string Format => "gemspec";
    public string Ecosystem => "rubygems";

    public bool Accepts(string fileName, string folderName) =>
        fileName.EndsWith(".gemspec", StringComparison.Ordinal) || fileName == "metadata.gz";

    public async Task<PackageManifest> ParseAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var fileName = Path.GetFileName(file.FullPath);
        return fileName.EndsWith(".gemspec", StringComparison.Ordinal)
            ? FromGemspec(file, await File.ReadAllTextAsync(file.FullPath, cancellationToken).ConfigureAwait(false))
            : FromYaml(file, fileName, await ReadYamlAsync(file.FullPath, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<JsonNode?> ReadYamlAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        await using Stream content = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : stream;
        using var reader = new StreamReader(content);
        var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException exception)
        {
            throw new ManifestFormatException($"it is not valid YAML: {exception.Message}");
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root
            || !root.Tag.Value.Contains("Gem::Specification", StringComparison.Ordinal))
            throw new ManifestFormatException("it is not a Gem::Specification in YAML.");
        return ToNode(root);
    }

    // Ruby's YAML tags (!ruby/object:Gem::Version) only name types; the mappings under them carry the data.
    private static JsonNode? ToNode(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(p =>
            KeyValuePair.Create(((p.Key as YamlScalarNode)?.Value ?? "").TrimStart(':'), ToNode(p.Value)))
            .DistinctBy(p => p.Key)),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToNode)]),
        YamlScalarNode { Value: null or "" or "~" or "null" } => null,
        YamlScalarNode scalar => JsonValue.Create(scalar.Value!.TrimStart(':')),
        _ => null,
    };

    private PackageManifest FromYaml(ManifestFile file, string fileName, JsonNode? spec)
    {
        var metadata = Json.Child(spec, "metadata");
        var (runtime, dev) = (new List<Dependency>(), new List<Dependency>());
        foreach (var dependency in Json.Child(spec, "dependencies") as JsonArray ?? [])
        {
            var requirements = (Json.Path(dependency, "requirement", "requirements") as JsonArray ?? [])
                .Select(r => r is JsonArray pair && pair.Count == 2 ? $"{Json.Str(pair[0])} {Json.Str(pair[1], "version") ?? Json.Str(pair[1])}" : null)
                .OfType<string>();
            var entry = new Dependency(Json.Str(dependency, "name") ?? "", string.Join(", ", requirements) is { Length: > 0 } s ? s : null);
            (Json.Str(dependency, "type") == "development" ? dev : runtime).Add(entry);
        }
        var authors = Json.Strings(Json.Child(spec, "authors"));
        var emails = Json.Strings(Json.Child(spec, "email"));
        var engines = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Requirement(Json.Child(spec, "required_ruby_version")) is { } ruby)
            engines["ruby"] = ruby;
        if (Requirement(Json.Child(spec, "required_rubygems_version")) is { } rubygems)
            engines["rubygems"] = rubygems;
        return new PackageManifest
        {
            Path = file.RelativePath,
            Format = fileName,
            Ecosystem = Ecosystem,
            Name = Json.Str(spec, "name"),
            Version = Json.Str(Json.Child(spec, "version"), "version") ?? Json.Str(spec, "version"),
            Description = Json.Str(spec, "summary") ?? Json.Str(spec, "description"),
            DeclaredLicense = SpdxLicenses.DeclaredAny(Json.Strings(Json.Child(spec, "licenses")) is { Count: > 0 } l ? l : Json.Strings(Json.Child(spec, "license"))),
            Homepage = Json.Str(metadata, "homepage_uri") ?? Json.Str(spec, "homepage"),
            CodeRepository = RepositoryUrls.Normalize(Json.Str(metadata, "source_code_uri")),
            BugTracker = Json.Str(metadata, "bug_tracker_uri"),
            Author = authors.Count > 0 ? new Person(authors[0], emails.FirstOrDefault()) : null,
            Contributors = [.. authors.Skip(1).Select(a => new Person(a))],
            Engines = engines,
            Dependencies = runtime,
            DevDependencies = dev,
            Scripts = Json.Strings(Json.Child(spec, "executables")).ToDictionary(e => "bin:" + e, e => $"{Json.Str(spec, "bindir") ?? "bin"}/{e}"),
            Files = Json.Strings(Json.Child(spec, "files")),
        };
    }

    private static string? Requirement(JsonNode? requirement) =>
        (Json.Child(requirement, "requirements") as JsonArray ?? [])
            .Select(r => r is JsonArray pair && pair.Count == 2 ? $"{Json.Str(pair[0])} {Json.Str(pair[1], "version")}" : null)
            .OfType<string>().ToList() is { Count: > 0 } parts ? string.Join(", ", parts) : null;

    private PackageManifest FromGemspec(ManifestFile file, string source)
    {
        if (!SpecificationBlock().IsMatch(source))
            throw new ManifestFormatException("it has no 'Gem::Specification.new do |spec|' block.");
        var attributes = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var dynamic = new List<string>();
        foreach (Match assignment in Assignment().Matches(source))
        {
            var attribute = assignment.Groups["attribute"].Value;
            var value = assignment.Groups["value"].Value.Trim();
            var strings = StringLiteral().Matches(value).Select(m => m.Groups["double"].Success ? m.Groups["double"].Value : m.Groups["single"].Value).ToList();
            var isLiteral = value.StartsWith('"') || value.StartsWith('\'') || value.StartsWith('[') || value.StartsWith("%w", StringComparison.Ordinal);
            if (value.StartsWith("%w", StringComparison.Ordinal))
                strings = [.. value[3..].TrimEnd(']', ')', '}').Split(' ', StringSplitOptions.RemoveEmptyEntries)];
            if (isLiteral && !value.Contains("#{", StringComparison.Ordinal))
                attributes[attribute] = strings;
            else
                dynamic.Add(attribute);
        }
        var metadata = MetadataEntry().Matches(source).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value, StringComparer.Ordinal);
        string? One(string key) => attributes.TryGetValue(key, out var values) && values.Count > 0 ? values[0] : null;
        IReadOnlyList<string> All(string key) => attributes.TryGetValue(key, out var values) ? values : [];

        var (runtime, dev) = (new List<Dependency>(), new List<Dependency>());
        foreach (Match call in DependencyCall().Matches(source))
        {
            var literals = StringLiteral().Matches(call.Groups["args"].Value).Select(m => m.Groups["double"].Success ? m.Groups["double"].Value : m.Groups["single"].Value).ToList();
            if (literals.Count == 0)
                continue;
            var dependency = new Dependency(literals[0], literals.Count > 1 ? string.Join(", ", literals.Skip(1)) : null);
            (call.Groups["kind"].Value == "development" ? dev : runtime).Add(dependency);
        }
        var authors = All("authors") is { Count: > 0 } a ? a : All("author");
        var engines = new Dictionary<string, string>(StringComparer.Ordinal);
        if (All("required_ruby_version") is { Count: > 0 } ruby)
            engines["ruby"] = string.Join(", ", ruby);
        return new PackageManifest
        {
            Path = file.RelativePath,
            Format = Format,
            Ecosystem = Ecosystem,
            Name = One("name"),
            Version = One("version"),
            Description = One("summary") ?? One("description"),
            DeclaredLicense = SpdxLicenses.DeclaredAny(All("licenses") is { Count: > 0 } l ? l : All("license")),
            Homepage = metadata.GetValueOrDefault("homepage_uri") ?? One("homepage"),
            CodeRepository = RepositoryUrls.Normalize(metadata.GetValueOrDefault("source_code_uri")),
            BugTracker = metadata.GetValueOrDefault("bug_tracker_uri"),
            Author = authors.Count > 0 ? new Person(authors[0], All("email").FirstOrDefault()) : null,
            Contributors = [.. authors.Skip(1).Select(n => new Person(n))],
            Engines = engines,
            Dependencies = runtime,
            DevDependencies = dev,
            Scripts = All("executables").ToDictionary(e => "bin:" + e, e => "exe/" + e),
            Files = All("files"),
            Dynamic = [.. dynamic.Where(d => d is "name" or "version" or "summary" or "description" or "license" or "licenses" or "homepage" or "authors" or "files").Distinct()],
        };
    }

    [GeneratedRegex(@"Gem::Specification\.new\b")]
    private static partial Regex SpecificationBlock();

    // spec.name = "foo"   s.licenses = ["MIT"]   spec.version = Foo::VERSION (dynamic)
    [GeneratedRegex(@"^\s*\w+\.(?<attribute>[a-z_]+)\s*=(?!=)\s*(?<value>[^\n]+?)\s*(?:#[^{\n][^\n]*)?$", RegexOptions.Multiline)]
    private static partial Regex Assignment();

    [GeneratedRegex(@"""(?<double>(?:[^""\\]|\\.)*)""|'(?<single>(?:[^'\\]|\\.)*)'")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\.metadata\s*\[\s*[""'](?<key>[a-z_]+)[""']\s*\]\s*=\s*[""'](?<value>[^""']+)[""']|[""'](?<key>[a-z_]+_uri)[""']\s*=>\s*[""'](?<value>[^""']+)[""']")]
    private static partial Regex MetadataEntry();

    [GeneratedRegex(@"\.add_(?:(?<kind>runtime|development)_)?dependency\s*\(?(?<args>[^\n)]*)")]
    private static partial Regex DependencyCall();
}
