using Cucos.Sdk.Ecosystems;
using Microsoft.Extensions.Configuration;

namespace Cucos.Workers.Registries;

/// <summary>
/// Where the registries of PyPI, Maven, RubyGems, the Rust crates and Go modules are: Cucos' own section
/// <c>Cucos:Registries</c> (and the CLI's <c>--registry</c>) first, then each tool's own configuration (pip.conf,
/// GOPROXY, settings.xml, Cargo's config.toml, .gemrc: <see cref="INativeRegistryConfiguration"/>). npm and NuGet
/// read the user's .npmrc and NuGet.Config in their own clients.
/// </summary>
public sealed class RegistrySettings(IReadOnlyDictionary<string, string> baseUrls, IEnumerable<INativeRegistryConfiguration>? native = null)
{
    public const string Section = "Cucos:Registries";

    private readonly Dictionary<string, INativeRegistryConfiguration> native =
        (native ?? []).ToDictionary(n => n.Ecosystem, StringComparer.OrdinalIgnoreCase);

    public static RegistrySettings From(IConfiguration? configuration, IEnumerable<INativeRegistryConfiguration>? native = null) =>
        new((configuration?.GetSection(Section).GetChildren() ?? [])
            .Where(c => !string.IsNullOrWhiteSpace(c.Value) && !RegistryLimits.Keys.Contains(c.Key))
            .ToDictionary(c => c.Key, c => c.Value!, StringComparer.OrdinalIgnoreCase), native);

    /// <summary>The base URL of <paramref name="ecosystem"/>'s registry, always ending in '/'; a clear error when there is none.</summary>
    public Uri BaseUrl(string ecosystem, string registryName) => Endpoint(ecosystem, registryName, packageName: "").BaseUrl;

    /// <summary>
    /// The registry <paramref name="packageName"/> is fetched from: the Cucos setting, else the tool's own configuration;
    /// an error that names both places when neither says anything.
    /// </summary>
    public RegistryEndpoint Endpoint(string ecosystem, string registryName, string packageName)
    {
        if (baseUrls.TryGetValue(ecosystem, out var value))
            return RegistryEndpoint.FromUrl(value, $"{Section}:{ecosystem}", value.TrimEnd('/').EndsWith("/simple", StringComparison.Ordinal) && ecosystem == "pypi"
                    ? RegistryProtocol.PythonSimpleIndex : RegistryProtocol.Default)
                ?? throw new RegistryException($"{Section}:{ecosystem} is '{value}', which is not an http(s) URL: set it to the registry's base URL.");
        var tool = native.GetValueOrDefault(ecosystem);
        if (tool?.Find(packageName) is { } found)
            return found;
        throw new RegistryException(
            $"no {registryName} URL is configured: " + (tool is null ? "" : $"set {tool.Where}, or ")
            + $"set {Section}:{ecosystem} (environment variable Cucos__Registries__{ecosystem}, or --registry {ecosystem}=URL) to the registry's base URL.");
    }

    /// <summary>Whether a registry is configured for <paramref name="ecosystem"/> at all: the CLI asks before it starts a cluster.</summary>
    public bool TryDescribe(string ecosystem, string registryName, out string description)
    {
        try
        {
            var endpoint = Endpoint(ecosystem, registryName, packageName: "");
            description = $"{RegistryHttp.Show(endpoint.BaseUrl)} (from {endpoint.Origin})";
            return true;
        }
        catch (RegistryException exception)
        {
            description = exception.Message;
            return false;
        }
    }
}
