using System.Xml.Linq;
using System.Xml;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Ecosystems.Maven; // the namespace-agnostic XML readers of the pom parser
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.Nuget;

/// <summary>NuGet's <c>.nuspec</c>: dependencies of every target-framework group (the frameworks go to <c>engines</c>).</summary>
public sealed class NuspecParser : IManifestParser
{
    public string Format => ".nuspec";
    public string Ecosystem => "nuget";
    public bool Accepts(string fileName, string folderName) => fileName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase);

    public async Task<PackageManifest> ParseAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        XDocument document;
        try
        {
            await using var stream = File.OpenRead(file.FullPath);
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { Async = true, DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            document = await XDocument.LoadAsync(reader, LoadOptions.None, cancellationToken).ConfigureAwait(false);
        }
        catch (XmlException exception)
        {
            throw new ManifestFormatException($"it is not well-formed XML: {exception.Message}");
        }
        var metadata = document.Root?.Elements().FirstOrDefault(e => e.Name.LocalName == "metadata")
            ?? throw new ManifestFormatException("it has no <package><metadata> element.");
        string? Field(string name) => metadata.Field(name);

        var dependencies = new List<Dependency>();
        var frameworks = new List<string>();
        var container = metadata.Elements().FirstOrDefault(e => e.Name.LocalName == "dependencies");
        foreach (var element in container?.Elements() ?? [])
        {
            if (element.Name.LocalName == "group")
            {
                if (element.Attribute("targetFramework")?.Value is { Length: > 0 } framework)
                    frameworks.Add(framework);
                dependencies.AddRange(element.Elements().Where(e => e.Name.LocalName == "dependency").Select(Dependency));
            }
            else if (element.Name.LocalName == "dependency")
                dependencies.Add(Dependency(element));
        }

        var license = metadata.Elements().FirstOrDefault(e => e.Name.LocalName == "license");
        var licenseValue = license?.Value.Trim();
        var declared = license?.Attribute("type")?.Value switch
        {
            "expression" => SpdxLicenses.Declared(licenseValue),
            "file" => new DeclaredLicense("file: " + licenseValue, null),
            // The deprecated licenseUrl names a page, not a licence; it is kept raw.
            _ => Field("licenseUrl") is { } url ? new DeclaredLicense(url, null) : DeclaredLicense.None,
        };
        var repository = metadata.Elements().FirstOrDefault(e => e.Name.LocalName == "repository");
        var engines = new Dictionary<string, string>(StringComparer.Ordinal);
        if (frameworks.Count > 0)
            engines["target_frameworks"] = string.Join(", ", frameworks);
        if (metadata.Attribute("minClientVersion")?.Value is { } minClient)
            engines["nuget"] = ">= " + minClient;
        var authors = People.SplitList(Field("authors"));
        var developmentOnly = Field("developmentDependency") == "true";
        var unique = dependencies.DistinctBy(d => (d.Name.ToLowerInvariant(), d.Spec)).ToList();
        return new PackageManifest
        {
            Path = file.RelativePath,
            Format = Format,
            Ecosystem = Ecosystem,
            Name = Field("id"),
            Version = Field("version"),
            Description = Field("description") ?? Field("summary"),
            DeclaredLicense = declared,
            Homepage = Field("projectUrl"),
            CodeRepository = RepositoryUrls.Normalize(repository?.Attribute("url")?.Value, repository?.Attribute("type")?.Value),
            Author = authors.FirstOrDefault(),
            Contributors = [.. authors.Skip(1)],
            Maintainers = People.SplitList(Field("owners")),
            Keywords = Field("tags")?.Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries) ?? [],
            Engines = engines,
            Dependencies = developmentOnly ? [] : unique,
            DevDependencies = developmentOnly ? unique : [],
            Files = [.. document.Root!.Elements().FirstOrDefault(e => e.Name.LocalName == "files")?.Elements()
                .Select(f => f.Attribute("src")?.Value).OfType<string>() ?? []],
        };
    }

    private static Dependency Dependency(XElement element) =>
        new(element.Attribute("id")?.Value ?? "", element.Attribute("version")?.Value);
}
