using System.Text.Json;
using System.Text.RegularExpressions;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.Crates;

/// <summary>
/// The Rust crates registry's web API at the configured base URL (<c>Cucos:Registries:crates</c>): <c>api/v1/crates/NAME</c>
/// lists the versions with their sha256 checksum; <c>api/v1/crates/NAME/VERSION/download</c> serves the .crate.
/// </summary>
public sealed partial class CratesRegistry(RegistryHttp http, RegistrySettings settings) : IPackageArtifactSource
{
    public string Ecosystem => "crates";

    public async Task<IReadOnlyList<string>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        var (_, _, versions) = await VersionsAsync(name, null, cancellationToken).ConfigureAwait(false);
        return [.. versions.Select(v => v.Number)];
    }

    public async Task<FetchedPackage> FetchAsync(string name, string version, string artifactDirectory, string metadataDirectory, CancellationToken cancellationToken)
    {
        var (baseUrl, registry, versions) = await VersionsAsync(name, version, cancellationToken).ConfigureAwait(false);
        Exception NotFound() => new PackageNotFoundException(Ecosystem, name, version, registry);
        var entry = versions.FirstOrDefault(v => v.Number == version) ?? throw NotFound();
        var file = await http.DownloadAsync("crate", new Uri(baseUrl, $"api/v1/crates/{name}/{Uri.EscapeDataString(version)}/download"), null,
            artifactDirectory, $"{name}-{version}.crate", NotFound, cancellationToken).ConfigureAwait(false);
        if (entry.Checksum is { Length: > 0 } sha256)
            file = RegistryHttp.Verify(file, "sha256", sha256, registry);
        return new FetchedPackage(registry, file, []);
    }

    private sealed record CrateVersion(string Number, string? Checksum);

    private async Task<(Uri BaseUrl, string Registry, IReadOnlyList<CrateVersion> Versions)> VersionsAsync(
        string name, string? version, CancellationToken cancellationToken)
    {
        if (!CrateName().IsMatch(name))
            throw new RegistryException($"'{name}' is not a valid crate name: use letters, digits, '_' and '-'.");
        var baseUrl = settings.BaseUrl(Ecosystem, "Rust crates registry");
        var registry = $"the crates registry at {RegistryHttp.Show(baseUrl)}";
        using var document = await http.GetJsonAsync(new Uri(baseUrl, $"api/v1/crates/{name}"), null,
            () => new PackageNotFoundException(Ecosystem, name, version, registry), cancellationToken).ConfigureAwait(false);
        var versions = document.RootElement.TryGetProperty("versions", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray()
                .Where(v => v.TryGetProperty("num", out var num) && num.ValueKind == JsonValueKind.String)
                .Select(v => new CrateVersion(v.GetProperty("num").GetString()!,
                    v.TryGetProperty("checksum", out var checksum) && checksum.ValueKind == JsonValueKind.String ? checksum.GetString() : null))
                .ToList()
            : [];
        return (baseUrl, registry, versions);
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex CrateName();
}
