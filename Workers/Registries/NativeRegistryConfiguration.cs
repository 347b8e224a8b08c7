using System.Net.Http.Headers;
using System.Text;

namespace Cucos.Workers.Registries;

/// <summary>How a registry is spoken to: most ecosystems have one protocol; PyPI's index and Cargo's index are alternatives.</summary>
public enum RegistryProtocol
{
    /// <summary>The ecosystem's usual protocol at a base URL (PyPI's JSON API, the crates.io web API, ...).</summary>
    Default,

    /// <summary>A Python Simple Repository API index (PEP 503 HTML, PEP 691 JSON): what pip's <c>index-url</c> names.</summary>
    PythonSimpleIndex,

    /// <summary>A Cargo sparse index (<c>sparse+https://...</c>): its <c>config.json</c> names the download and API URLs.</summary>
    CargoSparseIndex,
}

/// <summary>Where one ecosystem's packages come from, and who said so (a setting, a file, a tool).</summary>
/// <param name="Origin">Shown in errors and results: <c>Cucos:Registries:pypi</c>, <c>/home/u/.config/pip/pip.conf</c>, <c>go env GOPROXY</c>.</param>
/// <param name="Credentials">What the native tool would send (Maven's server of the mirror, a pip index URL's user and password).</param>
public sealed record RegistryEndpoint(Uri BaseUrl, string Origin, RegistryProtocol Protocol = RegistryProtocol.Default, AuthenticationHeaderValue? Credentials = null)
{
    /// <summary>
    /// An http(s) URL with a trailing '/', its user and password (when written in it, as pip allows) moved to Basic
    /// credentials so they are sent as a header and never shown; null when the text is not such a URL.
    /// </summary>
    public static RegistryEndpoint? FromUrl(string text, string origin, RegistryProtocol protocol = RegistryProtocol.Default, AuthenticationHeaderValue? credentials = null)
    {
        var trimmed = text.Trim();
        if (!Uri.TryCreate(trimmed.EndsWith('/') ? trimmed : trimmed + "/", UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            return null;
        if (url.UserInfo.Length > 0)
        {
            var userInfo = Uri.UnescapeDataString(url.UserInfo);
            credentials ??= new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userInfo.Contains(':') ? userInfo : userInfo + ":")));
            url = new UriBuilder(url) { UserName = "", Password = "" }.Uri;
        }
        return new RegistryEndpoint(url, origin, protocol, credentials);
    }
}

/// <summary>
/// An ecosystem's own client configuration (pip.conf, GOPROXY, Maven's settings.xml, Cargo's config.toml, .gemrc),
/// read when Cucos' settings name no registry for it. One per ecosystem, registered with the registries.
/// </summary>
public interface INativeRegistryConfiguration
{
    /// <summary>The ecosystem id (<c>pypi</c>, <c>go</c>, ...).</summary>
    string Ecosystem { get; }

    /// <summary>Where a user sets it, for the error when nothing is configured: "index-url in pip.conf (~/.config/pip/pip.conf) or PIP_INDEX_URL".</summary>
    string Where { get; }

    /// <summary>The registry of <paramref name="packageName"/> by the tool's own rules, or null when its configuration names none.</summary>
    /// <exception cref="Cucos.Sdk.Ecosystems.RegistryException">The configuration exists but is unusable (malformed, or sends the package where this version cannot fetch).</exception>
    RegistryEndpoint? Find(string packageName);
}
