using System.Text.Json;
using System.Text.RegularExpressions;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Init;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.PyPi;

/// <summary>
/// PyPI's JSON API at the configured base URL (<c>Cucos:Registries:pypi</c>): <c>pypi/NAME/json</c> lists the
/// releases, <c>pypi/NAME/VERSION/json</c> the files of one. The sdist is fetched when there is one, else a wheel
/// (a pure-Python one first); its sha256 is verified.
/// </summary>
public sealed partial class PyPiRegistry(RegistryHttp http, RegistrySettings settings) : IPackageArtifactSource
{
    public string Ecosystem => "pypi";

    public async Task<IReadOnlyList<string>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        var (baseUrl, registry) = Registry(name);
        using var document = await http.GetJsonAsync(new Uri(baseUrl, $"pypi/{name}/json"), null,
            () => new PackageNotFoundException(Ecosystem, name, null, registry), cancellationToken).ConfigureAwait(false);
        return document.RootElement.TryGetProperty("releases", out var releases) && releases.ValueKind == JsonValueKind.Object
            ? [.. releases.EnumerateObject().Select(r => r.Name)]
            : [];
    }

    public async Task<FetchedPackage> FetchAsync(string name, string version, string artifactDirectory, string metadataDirectory, CancellationToken cancellationToken)
    {
        var (baseUrl, registry) = Registry(name);
        Exception NotFound() => new PackageNotFoundException(Ecosystem, name, version, registry);
        using var document = await http.GetJsonAsync(new Uri(baseUrl, $"pypi/{name}/{Uri.EscapeDataString(version)}/json"), null, NotFound, cancellationToken)
            .ConfigureAwait(false);
        var files = document.RootElement.TryGetProperty("urls", out var urls) && urls.ValueKind == JsonValueKind.Array
            ? urls.EnumerateArray().Select(Describe).Where(f => f is not null && ArchiveFormats.FromFileName(f.FileName) is not null).ToList()
            : [];
        var chosen = files.FirstOrDefault(f => f!.Type == "sdist")
            ?? files.Where(f => f!.Type == "bdist_wheel").OrderByDescending(f => f!.FileName.EndsWith("-none-any.whl", StringComparison.Ordinal)).FirstOrDefault()
            ?? throw new RegistryException($"{registry} has {name} {version} but no sdist or wheel in a format this version reads.");
        var file = await http.DownloadAsync(chosen.Type, chosen.Url, null, artifactDirectory, chosen.FileName, NotFound, cancellationToken).ConfigureAwait(false);
        if (chosen.Sha256 is { Length: > 0 } sha256)
            file = RegistryHttp.Verify(file, "sha256", sha256, registry);
        return new FetchedPackage(registry, file, []);
    }

    private sealed record ReleaseFile(string Type, string FileName, Uri Url, string? Sha256);

    private static ReleaseFile? Describe(JsonElement file) =>
        file.TryGetProperty("packagetype", out var type) && file.TryGetProperty("filename", out var fileName)
        && file.TryGetProperty("url", out var url) && Uri.TryCreate(url.GetString(), UriKind.Absolute, out var uri)
            ? new ReleaseFile(type.GetString() ?? "", fileName.GetString() ?? "", uri,
                file.TryGetProperty("digests", out var digests) && digests.TryGetProperty("sha256", out var sha) ? sha.GetString() : null)
            : null;

    private (Uri BaseUrl, string Registry) Registry(string name)
    {
        if (!ProjectName().IsMatch(name))
            throw new RegistryException($"'{name}' is not a valid PyPI project name: use letters, digits, '.', '_' and '-'.");
        var baseUrl = settings.BaseUrl(Ecosystem, "PyPI");
        return (baseUrl, $"PyPI at {RegistryHttp.Show(baseUrl)}");
    }

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")]
    private static partial Regex ProjectName();
}
