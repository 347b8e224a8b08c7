using System.Text.Json;
using System.Text.RegularExpressions;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.RubyGems;

/// <summary>
/// RubyGems at the configured base URL (<c>Cucos:Registries:rubygems</c>): <c>api/v1/versions/NAME.json</c> lists
/// the versions with their platform and sha256; the gem is <c>gems/NAME-VERSION[-PLATFORM].gem</c>, the plain
/// Ruby platform preferred.
/// </summary>
public sealed partial class RubyGemsRegistry(RegistryHttp http, RegistrySettings settings) : IPackageArtifactSource
{
    public string Ecosystem => "rubygems";

    public async Task<IReadOnlyList<string>> ListVersionsAsync(string name, CancellationToken cancellationToken)
    {
        var (_, registry, versions) = await VersionsAsync(name, null, cancellationToken).ConfigureAwait(false);
        using (versions)
            return [.. versions.RootElement.EnumerateArray().Select(v => Text(v, "number")).Where(v => v is not null).Distinct()!];
    }

    public async Task<FetchedPackage> FetchAsync(string name, string version, string artifactDirectory, string metadataDirectory, CancellationToken cancellationToken)
    {
        var (baseUrl, registry, versions) = await VersionsAsync(name, version, cancellationToken).ConfigureAwait(false);
        Exception NotFound() => new PackageNotFoundException(Ecosystem, name, version, registry);
        using (versions)
        {
            var candidates = versions.RootElement.EnumerateArray().Where(v => Text(v, "number") == version).ToList();
            if (candidates.Count == 0)
                throw NotFound();
            var chosen = candidates.FirstOrDefault(v => Text(v, "platform") is null or "ruby", candidates[0]);
            var platform = Text(chosen, "platform") is { } p and not "ruby" ? "-" + p : "";
            var fileName = $"{name}-{version}{platform}.gem";
            var file = await http.DownloadAsync("gem", new Uri(baseUrl, "gems/" + Uri.EscapeDataString(fileName)), null, artifactDirectory, fileName,
                NotFound, cancellationToken).ConfigureAwait(false);
            if (Text(chosen, "sha") is { } sha256)
                file = RegistryHttp.Verify(file, "sha256", sha256, registry);
            return new FetchedPackage(registry, file, []);
        }
    }

    private async Task<(Uri BaseUrl, string Registry, JsonDocument Versions)> VersionsAsync(string name, string? version, CancellationToken cancellationToken)
    {
        if (!GemName().IsMatch(name))
            throw new RegistryException($"'{name}' is not a valid gem name: use letters, digits, '.', '_' and '-'.");
        var baseUrl = settings.Endpoint(Ecosystem, "RubyGems", name).BaseUrl;
        var registry = $"RubyGems at {RegistryHttp.Show(baseUrl)}";
        var document = await http.GetJsonAsync(new Uri(baseUrl, $"api/v1/versions/{name}.json"), null,
            () => new PackageNotFoundException(Ecosystem, name, version, registry), cancellationToken).ConfigureAwait(false);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            document.Dispose();
            throw new RegistryException($"{registry} answered the version list of {name} with something other than a JSON array.");
        }
        return (baseUrl, registry, document);
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._-]*$")]
    private static partial Regex GemName();
}
