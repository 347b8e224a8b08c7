using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Cucos.Workers.Registries;

/// <summary>
/// Bounds on what a registry may make the silo do: how much it may send, how long it may take, where it may send the
/// silo, and whether a package without a checksum is taken. Set beside the base URLs, in <c>Cucos:Registries</c>.
/// </summary>
public sealed record RegistryLimits
{
    /// <summary>The keys of <see cref="RegistrySettings.Section"/> that are limits, not an ecosystem's base URL.</summary>
    public static readonly IReadOnlySet<string> Keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        nameof(MaxDownloadBytes), nameof(MaxDocumentBytes), nameof(HeadersTimeout), nameof(IdleTimeout), nameof(RequestTimeout),
        nameof(MaxRedirects), nameof(AllowedHosts), nameof(RequireChecksum),
    };

    /// <summary>The defaults, with every setting of <c>Cucos:Registries</c> applied; a value that does not parse is a clear error.</summary>
    public static RegistryLimits From(IConfiguration? configuration)
    {
        var section = configuration?.GetSection(RegistrySettings.Section);
        T Read<T>(string key, T fallback, string example) where T : IParsable<T>
        {
            if (section?[key] is not { Length: > 0 } text)
                return fallback;
            return T.TryParse(text, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new InvalidOperationException($"{RegistrySettings.Section}:{key} is '{text}', which does not parse: set it like {example}.");
        }
        var defaults = new RegistryLimits();
        // A list in JSON (AllowedHosts: [...]) arrives as children; in the environment, one comma-separated value is easier.
        var hosts = section?.GetSection(nameof(AllowedHosts)) is { } hostSection
            ? (hostSection.Value is { Length: > 0 } joined ? joined.Split(',') : hostSection.GetChildren().Select(c => c.Value ?? ""))
                .Select(h => h.Trim()).Where(h => h.Length > 0).ToList()
            : [];
        var limits = new RegistryLimits
        {
            MaxDownloadBytes = Read(nameof(MaxDownloadBytes), defaults.MaxDownloadBytes, "1073741824"),
            MaxDocumentBytes = Read(nameof(MaxDocumentBytes), defaults.MaxDocumentBytes, "134217728"),
            HeadersTimeout = Read(nameof(HeadersTimeout), defaults.HeadersTimeout, "00:01:00"),
            IdleTimeout = Read(nameof(IdleTimeout), defaults.IdleTimeout, "00:01:00"),
            RequestTimeout = Read(nameof(RequestTimeout), defaults.RequestTimeout, "00:05:00"),
            MaxRedirects = Read(nameof(MaxRedirects), defaults.MaxRedirects, "10"),
            AllowedHosts = hosts.Count == 0 ? null : hosts,
            RequireChecksum = Read(nameof(RequireChecksum), defaults.RequireChecksum, "true"),
        };
        return limits.Problem() is { } problem
            ? throw new InvalidOperationException($"{RegistrySettings.Section}: {problem}.")
            : limits;
    }

    /// <summary>Bytes one download (archive, nuspec, pom) may have once decompressed.</summary>
    public long MaxDownloadBytes { get; init; } = 1L * 1024 * 1024 * 1024;

    /// <summary>
    /// Bytes one registry document (a JSON packument, a version list, a .sha1 file) may have once decompressed. The full
    /// npm packuments of the most published packages are tens of MiB; a parsed document takes about twice its size in memory.
    /// </summary>
    public long MaxDocumentBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>How long a registry may take to answer with its headers, each redirect hop on its own.</summary>
    public TimeSpan HeadersTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a body may send nothing before the transfer is given up.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one request may take in all, redirects and body included.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public int MaxRedirects { get; init; } = 10;

    /// <summary>
    /// When set, the only hosts, besides the one that served the document or answered the request, a registry may send
    /// the silo to (a tarball URL, a service index resource, a redirect). An entry <c>*.example.org</c> takes every
    /// host under example.org. Null: any host.
    /// </summary>
    public IReadOnlyList<string>? AllowedHosts { get; init; }

    /// <summary>Refuse a package whose registry publishes no checksum for it, or one only in an algorithm this version does not check.</summary>
    public bool RequireChecksum { get; init; }

    /// <summary>Whether <paramref name="host"/> is one of <see cref="AllowedHosts"/> (always, when there is no list).</summary>
    public bool Allows(string host) =>
        AllowedHosts is null || AllowedHosts.Any(allowed => allowed.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(host, allowed, StringComparison.OrdinalIgnoreCase));

    /// <summary>What is wrong with these limits, or null.</summary>
    public string? Problem() =>
        MaxDownloadBytes < 1 ? "MaxDownloadBytes must be at least 1"
        : MaxDocumentBytes < 1 ? "MaxDocumentBytes must be at least 1"
        : HeadersTimeout <= TimeSpan.Zero || IdleTimeout <= TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero ? "HeadersTimeout, IdleTimeout and RequestTimeout must be longer than zero"
        : MaxRedirects < 0 ? "MaxRedirects must not be negative"
        : null;
}
