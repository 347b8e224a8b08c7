using System.Net;
using Cucos.Sdk;
using Cucos.Sdk.Ecosystems;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.Ecosystems;

/// <summary>
/// A plug-in ecosystem written against the Sdk alone, as README's "Adding an ecosystem" shows: its registry serves
/// <c>BASE/NAME/VERSION.tar.gz</c> and lists versions at <c>BASE/NAME/versions</c>, one a line; the base URL is
/// <c>Cucos:Registries:toy</c> (<c>--registry toy=URL</c>, <c>Cucos__Registries__toy</c>).
/// </summary>
public sealed class ToyEcosystem(IConfiguration configuration) : IEcosystem
{
    public string Id => "toy";
    public IReadOnlyList<string> Aliases => ["toybox"];
    public string PurlType => "generic";
    public string Example => "toy:blocks@1.0";
    public IPackageArtifactSource? ArtifactSource { get; } = new ToyRegistry(configuration);
    public IVersionResolver? VersionResolver => null;
}

/// <summary>Registers the toy ecosystem when a silo or the CLI loads this assembly through Cucos:TaskAssemblies.</summary>
public sealed class ToyEcosystemModule : ICucosTaskModule
{
    public void Register(IServiceCollection services) => services.AddCucosEcosystem<ToyEcosystem>();
}

public sealed class ToyRegistry(IConfiguration configuration) : IPackageArtifactSource
{
    private static readonly HttpClient Http = new();

    public string Ecosystem => "toy";

    private Uri BaseUrl => configuration["Cucos:Registries:toy"] is { } url
        ? new Uri(url.EndsWith('/') ? url : url + "/")
        : throw new RegistryException("no toy registry URL is configured: set Cucos:Registries:toy.");

    public async Task<IReadOnlyList<string>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(new Uri(BaseUrl, $"{name}/versions"), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            throw new PackageNotFoundException(Ecosystem, name, null, $"the toy registry at {BaseUrl}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsStringAsync(cancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public async Task<FetchedPackage> FetchAsync(string name, string version, string artifactDirectory, string metadataDirectory, CancellationToken cancellationToken)
    {
        var url = new Uri(BaseUrl, $"{name}/{version}.tar.gz");
        using var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            throw new PackageNotFoundException(Ecosystem, name, version, $"the toy registry at {BaseUrl}");
        response.EnsureSuccessStatusCode();
        Directory.CreateDirectory(artifactDirectory);
        var fileName = $"{name}-{version}.tar.gz";
        var path = Path.Combine(artifactDirectory, fileName);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var digests = await ArtifactDigests.CopyAsync(body, path, cancellationToken);
        return new FetchedPackage($"the toy registry at {BaseUrl}", new DownloadedFile("archive", fileName, path, url.AbsoluteUri, digests, null), []);
    }
}
