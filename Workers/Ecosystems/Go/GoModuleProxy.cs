using System.Text.RegularExpressions;
using System.Text;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.Go;

/// <summary>
/// The Go module proxy protocol at the configured base URL (<c>Cucos:Registries:go</c>, else Go's own GOPROXY:
/// <see cref="GoConfiguration"/>):
/// <c>MODULE/@v/list</c>, <c>@v/VERSION.mod</c> and <c>@v/VERSION.zip</c>, with upper-case letters of module paths and
/// versions written as '!' and the lower-case letter. The proxy publishes no checksum of its own (the checksum
/// database does), so the zip's digests are recorded, not verified.
/// </summary>
public sealed partial class GoModuleProxy(RegistryHttp http, RegistrySettings settings) : IPackageArtifactSource
{
    public string Ecosystem => "go";

    public async Task<IReadOnlyList<string>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        var (moduleUrl, registry) = Locate(name);
        var text = await http.GetStringAsync(new Uri(moduleUrl, "@v/list"), null,
            () => new PackageNotFoundException(Ecosystem, name, null, registry), cancellationToken).ConfigureAwait(false);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    public async Task<FetchedPackage> FetchAsync(string name, string version, string artifactDirectory, string metadataDirectory, CancellationToken cancellationToken)
    {
        var (moduleUrl, registry) = Locate(name);
        if (!ModuleVersion().IsMatch(version))
            throw new RegistryException($"'{version}' is not a Go module version: give a semantic version starting with 'v', such as v1.2.3.");
        Exception NotFound() => new PackageNotFoundException(Ecosystem, name, version, registry);
        var escapedVersion = Escape(version);
        var stem = $"{name[(name.LastIndexOf('/') + 1)..]}@{version}";
        var mod = await http.DownloadAsync("mod", new Uri(moduleUrl, $"@v/{escapedVersion}.mod"), null, metadataDirectory, "go.mod", NotFound, cancellationToken)
            .ConfigureAwait(false);
        var zip = await http.DownloadAsync("zip", new Uri(moduleUrl, $"@v/{escapedVersion}.zip"), null, artifactDirectory, stem + ".zip", NotFound, cancellationToken)
            .ConfigureAwait(false);
        return new FetchedPackage(registry, zip, [mod]);
    }

    /// <summary>The proxy's case encoding: every upper-case letter becomes '!' and its lower-case form.</summary>
    public static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
            escaped.Append(char.IsAsciiLetterUpper(c) ? "!" + char.ToLowerInvariant(c) : c.ToString());
        return escaped.ToString();
    }

    private (Uri ModuleUrl, string Registry) Locate(string name)
    {
        if (!ModulePath().IsMatch(name) || name.Split('/').Any(part => part is "." or ".."))
            throw new RegistryException($"'{name}' is not a Go module path: give one such as example.org/group/module.");
        var baseUrl = settings.Endpoint(Ecosystem, "Go module proxy", name).BaseUrl;
        return (new Uri(baseUrl, Escape(name) + "/"), $"the Go module proxy at {RegistryHttp.Show(baseUrl)}");
    }

    [GeneratedRegex(@"^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$")]
    private static partial Regex ModulePath();

    [GeneratedRegex(@"^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]*)?$")]
    private static partial Regex ModuleVersion();
}
