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
/// tarball, which is verified against <c>dist.integrity</c> (sha512) or <c>dist.shasum</c> (sha1). Registry and
/// credentials come from the user's npm configuration, read afresh for every request.
/// </summary>
public sealed partial class NpmRegistry(RegistryHttp http, NpmConfigSource configSource) : IPackageArtifactSource
{
    public string Ecosystem => "npm";

    public async Task<IReadOnlyList<string>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        using var packument = await GetPackumentAsync(name, configSource.Load(), cancellationToken).ConfigureAwait(false);
        return packument.RootElement.TryGetProperty("versions", out var versions) && versions.ValueKind == JsonValueKind.Object
            ? [.. versions.EnumerateObject().Select(v => v.Name)]
            : [];
    }

    public async Task<FetchedPackage> FetchAsync(string name, string version, string artifactDirectory, string metadataDirectory, CancellationToken cancellationToken)
    {
        var config = configSource.Load();
        var registry = Describe(config.RegistryFor(name));
        using var packument = await GetPackumentAsync(name, config, cancellationToken).ConfigureAwait(false);
        if (!packument.RootElement.TryGetProperty("versions", out var versions) || versions.ValueKind != JsonValueKind.Object
            || !versions.TryGetProperty(version, out var manifest))
            throw new PackageNotFoundException(Ecosystem, name, version, registry);
        if (!manifest.TryGetProperty("dist", out var dist) || dist.ValueKind != JsonValueKind.Object
            || !dist.TryGetProperty("tarball", out var tarballElement) || !Uri.TryCreate(tarballElement.GetString(), UriKind.Absolute, out var tarball))
            throw new RegistryException($"{registry} lists {name}@{version} without a tarball URL in 'dist': the packument is malformed.");

        var fileName = $"{name[(name.IndexOf('/') + 1)..]}-{version}.tgz";
        var file = await http.DownloadAsync("tarball", tarball, config.AuthFor(tarball), artifactDirectory, fileName,
            () => new PackageNotFoundException(Ecosystem, name, version, registry), cancellationToken).ConfigureAwait(false);
        file = Verify(file, dist, registry);
        return new FetchedPackage(registry, file, []);
    }

    /// <summary>Checks the strongest checksum the registry gives: an sha512 (or sha1) in <c>integrity</c>, else <c>shasum</c>.</summary>
    private static DownloadedFile Verify(DownloadedFile file, JsonElement dist, string registry)
    {
        var integrity = (dist.TryGetProperty("integrity", out var i) ? i.GetString() : null)?
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('-', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1].Split('?')[0], StringComparer.Ordinal) ?? [];
        if (integrity.TryGetValue("sha512", out var sha512))
            return RegistryHttp.Verify(file, "sha512", sha512, registry);
        if (integrity.TryGetValue("sha1", out var sha1))
            return RegistryHttp.Verify(file, "sha1", sha1, registry);
        if (dist.TryGetProperty("shasum", out var shasum) && shasum.GetString() is { Length: > 0 } hex)
            return RegistryHttp.Verify(file, "sha1", hex, registry);
        return file;
    }

    private async Task<JsonDocument> GetPackumentAsync(string name, NpmConfig config, CancellationToken cancellationToken)
    {
        if (!PackageName().IsMatch(name))
            throw new RegistryException($"'{name}' is not a valid npm package name: use 'name' or '@scope/name'.");
        var registryUrl = config.RegistryFor(name);
        var url = new Uri(registryUrl, name.Replace("/", "%2f", StringComparison.Ordinal));
        return await http.GetJsonAsync(url, config.AuthFor(url),
            () => new PackageNotFoundException(Ecosystem, name, null, Describe(registryUrl)), cancellationToken).ConfigureAwait(false);
    }

    private static string Describe(Uri registry) => $"the npm registry at {RegistryHttp.Show(registry)}";

    [GeneratedRegex(@"^(@[A-Za-z0-9~-][A-Za-z0-9._~-]*/)?[A-Za-z0-9~-][A-Za-z0-9._~-]*$")]
    private static partial Regex PackageName();
}
