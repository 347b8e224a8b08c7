using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.Maven;

/// <summary>
/// A Maven repository at the configured base URL (<c>Cucos:Registries:maven</c>), in its standard layout: packages
/// are named <c>groupId:artifactId</c>; <c>maven-metadata.xml</c> lists the versions; the jar, its pom and (when
/// published) its sources jar are fetched, each checked against the repository's <c>.sha1</c> file when there is one.
/// </summary>
public sealed partial class MavenRegistry(RegistryHttp http, RegistrySettings settings) : IPackageArtifactSource
{
    public string Ecosystem => "maven";

    public async Task<IReadOnlyList<string>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        var (folder, _, registry, auth) = Locate(name);
        var text = await http.GetStringAsync(new Uri(folder, "maven-metadata.xml"), auth,
            () => new PackageNotFoundException(Ecosystem, name, null, registry), cancellationToken).ConfigureAwait(false);
        try
        {
            return [.. XDocument.Parse(text).Descendants("versions").Elements("version").Select(v => v.Value.Trim())];
        }
        catch (System.Xml.XmlException exception)
        {
            throw new RegistryException($"the maven-metadata.xml of {name} in {registry} is not valid XML ({exception.Message}).", exception);
        }
    }

    public async Task<FetchedPackage> FetchAsync(string name, string version, string artifactDirectory, string metadataDirectory, CancellationToken cancellationToken)
    {
        var (folder, artifactId, registry, auth) = Locate(name);
        if (!Segment().IsMatch(version))
            throw new RegistryException($"'{version}' is not a valid Maven version.");
        var versionFolder = new Uri(folder, version + "/");
        var stem = $"{artifactId}-{version}";
        Exception NotFound() => new PackageNotFoundException(Ecosystem, name, version, registry);
        var jar = await DownloadCheckedAsync("jar", new Uri(versionFolder, stem + ".jar"), auth, artifactDirectory, NotFound, registry, cancellationToken).ConfigureAwait(false);
        var pom = await DownloadCheckedAsync("pom", new Uri(versionFolder, stem + ".pom"), auth, metadataDirectory, NotFound, registry, cancellationToken).ConfigureAwait(false);
        List<DownloadedFile> metadata = [pom];
        try
        {
            metadata.Add(await DownloadCheckedAsync("sources", new Uri(versionFolder, stem + "-sources.jar"), auth, metadataDirectory,
                () => new Absent(), registry, cancellationToken).ConfigureAwait(false));
        }
        catch (Absent)
        {
            // Many artifacts publish no sources jar.
        }
        return new FetchedPackage(registry, jar, metadata);
    }

    /// <summary>An optional file (sources jar, .sha1) the repository does not have.</summary>
    private sealed class Absent : Exception;

    private async Task<DownloadedFile> DownloadCheckedAsync(
        string kind, Uri url, AuthenticationHeaderValue? auth, string directory, Func<Exception> notFound, string registry, CancellationToken cancellationToken)
    {
        var file = await http.DownloadAsync(kind, url, auth, directory, url.Segments[^1], notFound, cancellationToken).ConfigureAwait(false);
        string? sha1;
        try
        {
            sha1 = (await http.GetStringAsync(new Uri(url.AbsoluteUri + ".sha1"), auth, () => new Absent(), cancellationToken).ConfigureAwait(false))
                .Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        }
        catch (Absent)
        {
            // No .sha1 published: unverified. An empty one is refused by Verify.
            sha1 = null;
        }
        return sha1 is null ? file : RegistryHttp.Verify(file, "sha1", sha1, registry);
    }

    /// <summary>The artifact's folder, and the credentials of settings.xml's server for the mirror (null for Cucos' own setting).</summary>
    private (Uri Folder, string ArtifactId, string Registry, AuthenticationHeaderValue? Auth) Locate(string name)
    {
        var parts = name.Split(':');
        if (parts.Length != 2 || !parts.All(Segment().IsMatch))
            throw new RegistryException($"'{name}' is not a Maven package name: give it as groupId:artifactId, for example org.example:library.");
        var endpoint = settings.Endpoint(Ecosystem, "Maven repository", name);
        var folder = new Uri(endpoint.BaseUrl, $"{parts[0].Replace('.', '/')}/{parts[1]}/");
        return (folder, parts[1], $"the Maven repository at {RegistryHttp.Show(endpoint.BaseUrl)}", endpoint.Credentials);
    }

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")]
    private static partial Regex Segment();
}
