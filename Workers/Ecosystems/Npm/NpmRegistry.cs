using System.Text.Json;
using System.Text.RegularExpressions;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.Npm;

/// <summary>
/// npm: the packument (<c>REGISTRY/NAME</c>, a scoped name's '/' escaped) lists the versions and each version's
/// tarball (relative to the packument when its URL is relative), which is verified against the strongest of
/// <c>dist.integrity</c> (sha512, sha384, sha256, sha1) or <c>dist.shasum</c> (sha1). Registry and
/// credentials come from the user's npm configuration, read afresh for every request.
/// </summary>
public sealed partial class NpmRegistry(RegistryHttp http, NpmConfigSource configSource) : IPackageArtifactSource
{
    public string Ecosystem => "npm";

    public async Task<IReadOnlyList<string>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        var (packument, _) = await GetPackumentAsync(name, configSource.Load(), cancellationToken).ConfigureAwait(false);
        using (packument)
            return packument.RootElement.TryGetProperty("versions", out var versions) && versions.ValueKind == JsonValueKind.Object
                ? [.. versions.EnumerateObject().Select(v => v.Name)]
                : [];
    }

    public async Task<FetchedPackage> FetchAsync(string name, string version, string artifactDirectory, string metadataDirectory, CancellationToken cancellationToken)
    {
        var config = configSource.Load();
        var registry = Describe(config.RegistryFor(name));
        var (packument, packumentUrl) = await GetPackumentAsync(name, config, cancellationToken).ConfigureAwait(false);
        using (packument)
        {
            if (!packument.RootElement.TryGetProperty("versions", out var versions) || versions.ValueKind != JsonValueKind.Object
                || !versions.TryGetProperty(version, out var manifest))
                throw new PackageNotFoundException(Ecosystem, name, version, registry);
            // A relative tarball URL is relative to the packument, as a browser would read it.
            if (!manifest.TryGetProperty("dist", out var dist) || dist.ValueKind != JsonValueKind.Object
                || !dist.TryGetProperty("tarball", out var tarballElement) || tarballElement.ValueKind != JsonValueKind.String
                || http.Resolve(packumentUrl, tarballElement.GetString()) is not { } tarball)
                throw new RegistryException($"{registry} lists {name}@{version} without a tarball URL in 'dist': the packument is malformed.");

            var fileName = $"{name[(name.IndexOf('/') + 1)..]}-{version}.tgz";
            var file = await http.DownloadAsync("tarball", tarball, config.AuthFor(tarball), artifactDirectory, fileName,
                () => new PackageNotFoundException(Ecosystem, name, version, registry), cancellationToken).ConfigureAwait(false);
            file = Verify(file, dist, registry);
            NpmRegistryDocument.Write(metadataDirectory, packument.RootElement, version);
            return new FetchedPackage(registry, file, []);
        }
    }

    /// <summary>The integrity algorithms this version checks, the strongest first.</summary>
    private static readonly string[] IntegrityAlgorithms = ["sha512", "sha384", "sha256", "sha1"];

    /// <summary>
    /// Checks the strongest checksum the registry gives: of the <c>integrity</c> entries (there may be several) the
    /// strongest algorithm this version checks, else <c>shasum</c> (sha1). An empty one is refused; one only in
    /// algorithms this version does not know leaves the file unverified.
    /// </summary>
    private static DownloadedFile Verify(DownloadedFile file, JsonElement dist, string registry)
    {
        var integrityText = dist.TryGetProperty("integrity", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : null;
        if (integrityText is not null && string.IsNullOrWhiteSpace(integrityText))
            return RegistryHttp.Verify(file, "sha512", integrityText, registry);
        var integrity = (integrityText ?? "")
            .Split((char[])[' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('-', 2))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0], StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.First()[1].Split('?')[0], StringComparer.Ordinal);
        if (IntegrityAlgorithms.FirstOrDefault(integrity.ContainsKey) is { } strongest)
            return RegistryHttp.Verify(file, strongest, integrity[strongest], registry);
        if (dist.TryGetProperty("shasum", out var shasum) && shasum.ValueKind == JsonValueKind.String)
            return RegistryHttp.Verify(file, "sha1", shasum.GetString(), registry);
        return file;
    }

    /// <summary>
    /// The full packument of <paramref name="name"/> (every version, <c>dist-tags</c>, <c>time</c>, <c>maintainers</c>,
    /// <c>deprecated</c>) from the registry the user's npm configuration names for it, and that registry described for
    /// messages. The caller disposes the document.
    /// </summary>
    public async Task<(JsonDocument Packument, string Registry)> GetPackumentAsync(string name, CancellationToken cancellationToken)
    {
        var config = configSource.Load();
        var (packument, _) = await GetPackumentAsync(name, config, cancellationToken).ConfigureAwait(false);
        return (packument, Describe(config.RegistryFor(name)));
    }

    private async Task<(JsonDocument Packument, Uri Url)> GetPackumentAsync(string name, NpmConfig config, CancellationToken cancellationToken)
    {
        if (!PackageName().IsMatch(name))
            throw new RegistryException($"'{name}' is not a valid npm package name: use 'name' or '@scope/name'.");
        var registryUrl = config.RegistryFor(name);
        var url = new Uri(registryUrl, name.Replace("/", "%2f", StringComparison.Ordinal));
        var packument = await http.GetJsonAsync(url, config.AuthFor(url),
            () => new PackageNotFoundException(Ecosystem, name, null, Describe(registryUrl)), cancellationToken).ConfigureAwait(false);
        return (packument, url);
    }

    private static string Describe(Uri registry) => $"the npm registry at {RegistryHttp.Show(registry)}";

    [GeneratedRegex(@"^(@[A-Za-z0-9~-][A-Za-z0-9._~-]*/)?[A-Za-z0-9~-][A-Za-z0-9._~-]*$")]
    private static partial Regex PackageName();
}
