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
/// When the registry comes from Cargo's own configuration it is a sparse index (<see cref="CargoConfiguration"/>),
/// read as Cargo reads it: <c>config.json</c> gives the download URL template, and the crate's index file (one JSON
/// line per version, with its <c>cksum</c>) the versions.
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
        var download = entry.DownloadTemplate is { } template
            ? DownloadUrl(template, name, version, entry.Checksum, registry)
            : new Uri(baseUrl, $"api/v1/crates/{name}/{Uri.EscapeDataString(version)}/download");
        var file = await http.DownloadAsync("crate", download, null,
            artifactDirectory, $"{name}-{version}.crate", NotFound, cancellationToken).ConfigureAwait(false);
        if (entry.Checksum is not null)
            file = RegistryHttp.Verify(file, "sha256", entry.Checksum, registry);
        return new FetchedPackage(registry, file, []);
    }

    /// <summary>
    /// The web API's crate document (<c>api/v1/crates/NAME</c>: every version with <c>yanked</c>, <c>created_at</c> and
    /// its publisher) and the registry described for messages; null when the registry is a Cargo sparse index, which
    /// serves no such document. The caller disposes it.
    /// </summary>
    public async Task<(JsonDocument Crate, string Registry)?> GetCrateDocumentAsync(string name, CancellationToken cancellationToken)
    {
        if (!CrateName().IsMatch(name))
            throw new RegistryException($"'{name}' is not a valid crate name: use letters, digits, '_' and '-'.");
        var endpoint = settings.Endpoint(Ecosystem, "Rust crates registry", name);
        if (endpoint.Protocol == RegistryProtocol.CargoSparseIndex)
            return null;
        var registry = $"the crates registry at {RegistryHttp.Show(endpoint.BaseUrl)}";
        var document = await http.GetJsonAsync(new Uri(endpoint.BaseUrl, $"api/v1/crates/{name}"), null,
            () => new PackageNotFoundException(Ecosystem, name, null, registry), cancellationToken).ConfigureAwait(false);
        return (document, registry);
    }

    /// <summary>
    /// The crate's file of a Cargo sparse index, one JSON document per version line (<c>vers</c>, <c>yanked</c>, no
    /// times or publishers), and the index described for messages; null when the registry is the web API
    /// (<see cref="GetCrateDocumentAsync"/>). The caller disposes the documents.
    /// </summary>
    public async Task<(IReadOnlyList<JsonDocument> Lines, string Registry)?> GetSparseIndexLinesAsync(string name, CancellationToken cancellationToken)
    {
        if (!CrateName().IsMatch(name))
            throw new RegistryException($"'{name}' is not a valid crate name: use letters, digits, '_' and '-'.");
        var endpoint = settings.Endpoint(Ecosystem, "Rust crates registry", name);
        if (endpoint.Protocol != RegistryProtocol.CargoSparseIndex)
            return null;
        var registry = $"the crates index at {RegistryHttp.Show(endpoint.BaseUrl)}";
        var url = new Uri(endpoint.BaseUrl, IndexPath(name));
        var text = await http.GetStringAsync(url, null, () => new PackageNotFoundException(Ecosystem, name, null, registry), cancellationToken).ConfigureAwait(false);
        var lines = new List<JsonDocument>();
        try
        {
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                lines.Add(JsonDocument.Parse(line));
        }
        catch (JsonException exception)
        {
            foreach (var parsed in lines)
                parsed.Dispose();
            throw new RegistryException($"{RegistryHttp.Show(url)} has a line that is not JSON ({exception.Message}): it is not a Cargo sparse index file.", exception);
        }
        return (lines, registry);
    }

    /// <param name="DownloadTemplate">A sparse index's <c>dl</c>, or null for the web API's download route.</param>
    private sealed record CrateVersion(string Number, string? Checksum, string? DownloadTemplate = null);

    private async Task<(Uri BaseUrl, string Registry, IReadOnlyList<CrateVersion> Versions)> VersionsAsync(
        string name, string? version, CancellationToken cancellationToken)
    {
        if (!CrateName().IsMatch(name))
            throw new RegistryException($"'{name}' is not a valid crate name: use letters, digits, '_' and '-'.");
        var endpoint = settings.Endpoint(Ecosystem, "Rust crates registry", name);
        var baseUrl = endpoint.BaseUrl;
        var registry = $"the crates registry at {RegistryHttp.Show(baseUrl)}";
        if (endpoint.Protocol == RegistryProtocol.CargoSparseIndex)
            return (baseUrl, registry, await SparseIndexVersionsAsync(baseUrl, name, version, registry, cancellationToken).ConfigureAwait(false));
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

    private async Task<IReadOnlyList<CrateVersion>> SparseIndexVersionsAsync(Uri index, string name, string? version, string registry, CancellationToken cancellationToken)
    {
        using var config = await http.GetJsonAsync(new Uri(index, "config.json"), null,
            () => new RegistryException($"{registry} has no config.json, so it is not a Cargo sparse index: check the registry in your Cargo configuration."),
            cancellationToken).ConfigureAwait(false);
        var template = config.RootElement.TryGetProperty("dl", out var dl) && dl.ValueKind == JsonValueKind.String ? dl.GetString()! : null;
        if (string.IsNullOrEmpty(template))
            throw new RegistryException($"{registry}: its config.json names no 'dl' download URL, so crates cannot be fetched from it.");
        var text = await http.GetStringAsync(new Uri(index, IndexPath(name)), null,
            () => new PackageNotFoundException(Ecosystem, name, version, registry), cancellationToken).ConfigureAwait(false);
        var versions = new List<CrateVersion>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var entry = JsonDocument.Parse(line);
            if (entry.RootElement.TryGetProperty("vers", out var number) && number.ValueKind == JsonValueKind.String)
                versions.Add(new CrateVersion(number.GetString()!,
                    entry.RootElement.TryGetProperty("cksum", out var checksum) && checksum.ValueKind == JsonValueKind.String ? checksum.GetString() : null,
                    template));
        }
        return versions;
    }

    /// <summary>Where a crate's file is in an index: <c>1/a</c>, <c>2/ab</c>, <c>3/a/abc</c>, <c>ab/cd/abcd...</c> (lower case).</summary>
    public static string IndexPath(string name)
    {
        var lower = name.ToLowerInvariant();
        return lower.Length switch
        {
            1 => $"1/{lower}",
            2 => $"2/{lower}",
            3 => $"3/{lower[0]}/{lower}",
            _ => $"{lower[..2]}/{lower[2..4]}/{lower}",
        };
    }

    /// <summary>A sparse index's <c>dl</c> with its markers filled in; with none, Cargo appends <c>/{crate}/{version}/download</c>.</summary>
    public static Uri DownloadUrl(string template, string name, string version, string? checksum, string registry)
    {
        string[] markers = ["{crate}", "{version}", "{prefix}", "{lowerprefix}", "{sha256-checksum}"];
        var prefix = IndexPath(name)[..IndexPath(name).LastIndexOf('/')];
        var text = markers.Any(m => template.Contains(m, StringComparison.Ordinal))
            ? template.Replace("{crate}", name, StringComparison.Ordinal).Replace("{version}", Uri.EscapeDataString(version), StringComparison.Ordinal)
                .Replace("{lowerprefix}", prefix, StringComparison.Ordinal)
                .Replace("{prefix}", IndexPathWithCase(name), StringComparison.Ordinal)
                .Replace("{sha256-checksum}", checksum ?? "", StringComparison.Ordinal)
            : $"{template.TrimEnd('/')}/{name}/{Uri.EscapeDataString(version)}/download";
        return Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
            ? url
            : throw new RegistryException($"{registry}: its download URL '{text}' is not an http(s) URL.");
    }

    private static string IndexPathWithCase(string name) => name.Length switch
    {
        1 => "1",
        2 => "2",
        3 => $"3/{name[0]}",
        _ => $"{name[..2]}/{name[2..4]}",
    };

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex CrateName();
}
