using System.Text.RegularExpressions;

namespace Cucos.Workers.SecurityIssues;

/// <summary>
/// The OSV ecosystems (spelled as OSV spells them) and the cluster's ecosystem ids they are, with each one's
/// package-name rule: advisories and requests meet on the normalised name.
/// </summary>
public static partial class OsvEcosystems
{
    private static readonly Dictionary<string, string> OsvByCucos = new(StringComparer.Ordinal)
    {
        ["npm"] = "npm",
        ["pypi"] = "PyPI",
        ["maven"] = "Maven",
        ["nuget"] = "NuGet",
        ["rubygems"] = "RubyGems",
        ["crates"] = "crates.io",
        ["go"] = "Go",
        ["packagist"] = "Packagist",
    };

    private static readonly HashSet<string> KnownNames = [.. OsvByCucos.Values];

    /// <summary>Every OSV ecosystem this worker reads, for messages.</summary>
    public static string Names => string.Join(", ", OsvByCucos.Values);

    /// <summary>The OSV name of a cluster ecosystem id, or null when OSV has none for it.</summary>
    public static string? ForEcosystem(string cucosId) => OsvByCucos.GetValueOrDefault(cucosId);

    /// <summary>The cluster ecosystem id of an OSV ecosystem (<c>crates.io</c> is <c>crates</c>), or null.</summary>
    public static string? CucosId(string osvEcosystem) =>
        Known(osvEcosystem) is { } known ? OsvByCucos.First(p => p.Value == known).Key : null;

    /// <summary>
    /// The OSV ecosystem an affected package names, without the release suffix some carry (<c>Debian:12</c>), when it
    /// is one this worker reads; else null.
    /// </summary>
    public static string? Known(string osvEcosystem)
    {
        var colon = osvEcosystem.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? osvEcosystem : osvEcosystem[..colon];
        return KnownNames.Contains(name) ? name : null;
    }

    /// <summary>The package name as the ecosystem compares names.</summary>
    public static string NormaliseName(string osvEcosystem, string name)
    {
        var trimmed = name.Trim();
        return osvEcosystem switch
        {
            // PEP 503: case-insensitive, runs of '-', '_' and '.' are one '-'.
            "PyPI" => Pep503Separators().Replace(trimmed, "-").ToLowerInvariant(),
            // NuGet ids and Packagist vendor/package names are case-insensitive.
            "NuGet" or "Packagist" => trimmed.ToLowerInvariant(),
            // crates.io treats '-' and '_' as the same and names as case-insensitive.
            "crates.io" => trimmed.Replace('_', '-').ToLowerInvariant(),
            // Maven is group:artifact, case-sensitive; a stray space around the colon is no part of either.
            "Maven" => string.Join(':', trimmed.Split(':').Select(p => p.Trim())),
            // Go module paths are case-sensitive; a trailing '/' is no part of the path.
            "Go" => trimmed.TrimEnd('/'),
            // npm names (scoped '@scope/name' included) and gem names are compared exactly.
            _ => trimmed,
        };
    }

    [GeneratedRegex("[-_.]+")]
    private static partial Regex Pep503Separators();
}
