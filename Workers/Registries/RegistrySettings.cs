using Cucos.Sdk.Ecosystems;
using Microsoft.Extensions.Configuration;

namespace Cucos.Workers.Registries;

/// <summary>
/// Base URLs of the registries that have no client configuration of their own (PyPI, Maven, RubyGems, the Rust crates registry,
/// the Go module proxy), from the Cucos configuration section <c>Cucos:Registries</c>. npm and NuGet read the
/// user's own .npmrc and NuGet.Config instead.
/// </summary>
public sealed class RegistrySettings(IReadOnlyDictionary<string, string> baseUrls)
{
    public const string Section = "Cucos:Registries";

    public static RegistrySettings From(IConfiguration? configuration) =>
        new((configuration?.GetSection(Section).GetChildren() ?? [])
            .Where(c => !string.IsNullOrWhiteSpace(c.Value))
            .ToDictionary(c => c.Key, c => c.Value!, StringComparer.OrdinalIgnoreCase));

    /// <summary>The configured base URL of <paramref name="ecosystem"/>, always ending in '/'; a clear error when there is none.</summary>
    public Uri BaseUrl(string ecosystem, string registryName)
    {
        if (!baseUrls.TryGetValue(ecosystem, out var value))
            throw new RegistryException(
                $"no {registryName} URL is configured: set {Section}:{ecosystem} (environment variable Cucos__Registries__{ecosystem}) to the registry's base URL.");
        if (!Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new RegistryException($"{Section}:{ecosystem} is '{value}', which is not an http(s) URL: set it to the registry's base URL.");
        return url;
    }
}
