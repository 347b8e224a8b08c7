using System.Text.RegularExpressions;
using System.Xml.Linq;
using System.Xml;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.Maven;

/// <summary>
/// Maven's <c>pom.xml</c>, with inheritance and interpolation as Maven applies them within the package: the parent
/// is found by <c>relativePath</c> (default <c>../pom.xml</c>) or by its coordinates among the package's other poms;
/// groupId, version, properties, licences, URLs and managed dependency versions are inherited, and
/// <c>${...}</c> references to properties and project fields are replaced.
/// </summary>
public sealed partial class MavenPomParser : IManifestParser
{
    private const int MaxParents = 16;

    public string Format => "pom.xml";
    public string Ecosystem => "maven";
    public bool Accepts(string fileName, string folderName) => fileName == "pom.xml";

    public async Task<PackageManifest> ParseAsync(ManifestFile file, CancellationToken cancellationToken)
    {
        var chain = new List<Pom> { await Pom.LoadAsync(file.FullPath, cancellationToken).ConfigureAwait(false) };
        string? parentNote = null;
        while (chain[^1].Parent is { } parentRef && chain.Count < MaxParents)
        {
            var parent = await FindParentAsync(chain[^1], parentRef, file.Tree, cancellationToken).ConfigureAwait(false);
            if (parent is null)
            {
                parentNote = $"{parentRef.GroupId}:{parentRef.ArtifactId}:{parentRef.Version}";
                break;
            }
            if (chain.Any(p => p.Path == parent.Path))
                throw new ManifestFormatException($"its parent chain loops back to '{Path.GetRelativePath(file.Tree.Root, parent.Path)}'.");
            chain.Add(parent);
        }
        var pom = chain[0];

        // Nearest definition wins: the pom itself, then its parent, and so on up.
        string? Inherited(Func<Pom, string?> field) => chain.Select(field).FirstOrDefault(v => v is not null);
        var groupId = pom.Field("groupId") ?? pom.Parent?.GroupId;
        var version = pom.Field("version") ?? pom.Parent?.Version;
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var link in Enumerable.Reverse(chain))
            foreach (var (key, value) in link.Properties)
                properties[key] = value;
        properties["project.groupId"] = properties["pom.groupId"] = groupId ?? "";
        properties["project.artifactId"] = properties["pom.artifactId"] = pom.Field("artifactId") ?? "";
        properties["project.version"] = properties["pom.version"] = properties["version"] = version ?? "";
        if (pom.Parent is { } p)
        {
            properties["project.parent.groupId"] = p.GroupId ?? "";
            properties["project.parent.version"] = p.Version ?? "";
        }
        string? Resolve(string? text) => text is null ? null : Interpolate(text, properties);

        var managed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var link in Enumerable.Reverse(chain))
            foreach (var dependency in link.Dependencies(managed: true))
                if (dependency.Version is { } managedVersion)
                    managed[dependency.Key] = managedVersion;

        var runtime = new List<Dependency>();
        var dev = new List<Dependency>();
        var optional = new Dictionary<string, List<Dependency>>(StringComparer.Ordinal);
        foreach (var declared in chain.SelectMany(link => link.Dependencies(managed: false)).DistinctBy(d => d.Key))
        {
            var coordinates = $"{Resolve(declared.GroupId)}:{Resolve(declared.ArtifactId)}";
            var dependency = new Dependency(coordinates, Resolve(declared.Version ?? managed.GetValueOrDefault(declared.Key)))
            {
                Marker = declared.Classifier is null ? null : "classifier=" + Resolve(declared.Classifier),
            };
            var scope = Resolve(declared.Scope) ?? "compile";
            if (scope == "test")
                dev.Add(dependency);
            else if (declared.Optional || scope is "provided" or "system" or "import")
                (optional.TryGetValue(declared.Optional ? "optional" : scope, out var list) ? list : optional[declared.Optional ? "optional" : scope] = []).Add(dependency);
            else
                runtime.Add(dependency);
        }

        var licenses = chain.FirstOrDefault(l => l.Licenses.Count > 0)?.Licenses ?? [];
        var engines = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Resolve(Inherited(l => l.Property("maven.compiler.release") ?? l.Property("maven.compiler.target"))) is { } java)
            engines["java"] = java;
        if (pom.Field("packaging") is { } packaging)
            engines["packaging"] = packaging;
        if (parentNote is not null)
            engines["unresolved_parent"] = parentNote;

        var scm = chain.Select(l => l.Scm).FirstOrDefault(s => s is not null);
        return new PackageManifest
        {
            Path = file.RelativePath,
            Format = Format,
            Ecosystem = Ecosystem,
            Name = groupId is null ? pom.Field("artifactId") : $"{Resolve(groupId)}:{Resolve(pom.Field("artifactId"))}",
            Version = Resolve(version),
            Description = Resolve(pom.Field("description") ?? pom.Field("name")),
            DeclaredLicense = SpdxLicenses.DeclaredAny([.. licenses.Select(Resolve).OfType<string>()]),
            Homepage = Resolve(Inherited(l => l.Field("url"))),
            CodeRepository = scm is null ? null : RepositoryUrls.Normalize(Resolve(scm.Value.Url ?? scm.Value.Connection)),
            BugTracker = Resolve(Inherited(l => l.Element("issueManagement")?.Field("url"))),
            Author = pom.People("developers", "developer").FirstOrDefault(),
            Maintainers = [.. pom.People("developers", "developer").Skip(1)],
            Contributors = pom.People("contributors", "contributor"),
            Engines = engines,
            Dependencies = runtime,
            DevDependencies = dev,
            OptionalDependencies = optional.ToDictionary(g => g.Key, g => (IReadOnlyList<Dependency>)g.Value, StringComparer.Ordinal),
            Files = pom.Modules,
        };
    }

    private static async Task<Pom?> FindParentAsync(Pom child, ParentRef reference, ManifestTree tree, CancellationToken cancellationToken)
    {
        var relative = reference.RelativePath ?? "../pom.xml";
        if (relative.Length > 0)
        {
            var candidate = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(child.Path)!, relative));
            if (Directory.Exists(candidate))
                candidate = Path.Combine(candidate, "pom.xml");
            if (IsInside(tree.Root, candidate) && File.Exists(candidate))
            {
                var pom = await Pom.LoadAsync(candidate, cancellationToken).ConfigureAwait(false);
                if (pom.Matches(reference))
                    return pom;
            }
        }
        // Maven falls back to the repository; within the package, any pom with the parent's coordinates will do.
        foreach (var path in tree.RelativePaths.Where(p => p == "pom.xml" || p.EndsWith("/pom.xml", StringComparison.Ordinal)))
        {
            var full = Path.Combine(tree.Root, path);
            if (full == child.Path)
                continue;
            var pom = await Pom.LoadAsync(full, cancellationToken).ConfigureAwait(false);
            if (pom.Matches(reference))
                return pom;
        }
        return null;
    }

    private static bool IsInside(string root, string path) =>
        path.StartsWith(Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>Replaces <c>${name}</c> with known properties, repeatedly (properties may refer to properties); unknown ones stay.</summary>
    private static string Interpolate(string text, Dictionary<string, string> properties)
    {
        for (var round = 0; round < 10 && text.Contains("${", StringComparison.Ordinal); round++)
        {
            var next = PropertyReference().Replace(text, m => properties.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);
            if (next == text)
                break;
            text = next;
        }
        return text;
    }

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex PropertyReference();

    private sealed record ParentRef(string? GroupId, string? ArtifactId, string? Version, string? RelativePath);

    private sealed record DeclaredDependency(string? GroupId, string? ArtifactId, string? Version, string? Scope, string? Classifier, string? Type, bool Optional)
    {
        public string Key => $"{GroupId}:{ArtifactId}:{Type ?? "jar"}:{Classifier}";
    }

    /// <summary>One pom file, read namespace-agnostically (old poms have no namespace, some a wrong one).</summary>
    private sealed class Pom(string path, XElement project)
    {
        public string Path { get; } = path;

        public static async Task<Pom> LoadAsync(string path, CancellationToken cancellationToken)
        {
            try
            {
                await using var stream = File.OpenRead(path);
                var settings = new XmlReaderSettings { Async = true, DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
                using var reader = XmlReader.Create(stream, settings);
                var document = await XDocument.LoadAsync(reader, LoadOptions.None, cancellationToken).ConfigureAwait(false);
                if (document.Root is not { } root || root.Name.LocalName != "project")
                    throw new ManifestFormatException($"the root element is <{document.Root?.Name.LocalName}>, not <project>.");
                return new Pom(path, root);
            }
            catch (XmlException exception)
            {
                throw new ManifestFormatException($"it is not well-formed XML: {exception.Message}");
            }
        }

        public ParentRef? Parent => Element("parent") is { } parent
            ? new ParentRef(parent.Field("groupId"), parent.Field("artifactId"), parent.Field("version"), parent.Element(Local("relativePath"))?.Value.Trim())
            : null;

        public bool Matches(ParentRef reference) =>
            Field("artifactId") == reference.ArtifactId
            && (Field("groupId") ?? Parent?.GroupId) == reference.GroupId
            && (reference.Version is null || (Field("version") ?? Parent?.Version) == reference.Version);

        public string? Field(string name) => project.Field(name);
        public XElement? Element(string name) => project.Element(Local(name));
        public string? Property(string name) => Element("properties")?.Field(name);

        public IEnumerable<(string Key, string Value)> Properties =>
            Element("properties")?.Elements().Select(e => (e.Name.LocalName, e.Value.Trim())) ?? [];

        public IReadOnlyList<string> Licenses =>
            [.. Element("licenses")?.Elements().Select(l => l.Field("name") ?? l.Field("url")).OfType<string>() ?? []];

        public (string? Url, string? Connection)? Scm => Element("scm") is { } scm
            ? (scm.Field("url"), scm.Field("connection") ?? scm.Field("developerConnection"))
            : null;

        public IReadOnlyList<string> Modules => [.. Element("modules")?.Elements().Select(m => m.Value.Trim()) ?? []];

        public IReadOnlyList<Person> People(string list, string item) =>
            [.. Element(list)?.Elements().Where(e => e.Name.LocalName == item)
                .Select(e => new Person(e.Field("name") ?? e.Field("id"), e.Field("email"), e.Field("url")))
                .Where(p => p.Name is not null || p.Email is not null) ?? []];

        public IEnumerable<DeclaredDependency> Dependencies(bool managed)
        {
            var container = managed ? Element("dependencyManagement")?.Element(Local("dependencies")) : Element("dependencies");
            return container?.Elements().Where(e => e.Name.LocalName == "dependency").Select(d => new DeclaredDependency(
                d.Field("groupId"), d.Field("artifactId"), d.Field("version"), d.Field("scope"), d.Field("classifier"), d.Field("type"),
                d.Field("optional") == "true")) ?? [];
        }

        private XName Local(string name) => project.Name.Namespace + name;
    }
}

internal static class PomXml
{
    /// <summary>A child element's trimmed text, ignoring namespaces; null when absent or empty.</summary>
    public static string? Field(this XElement element, string name) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value.Trim() is { Length: > 0 } value ? value : null;
}
