namespace Cucos.Reports.Purl;

/// <summary>
/// The per-type rules of the purl specification's type definitions that this project meets, and how a package name as
/// an ecosystem writes it (<c>@scope/name</c>, <c>group:artifact</c>, a Go module path) splits into namespace and name.
/// </summary>
public static class PurlTypes
{
    /// <summary>
    /// The purl type of a built-in ecosystem id (npm, pypi, maven, nuget, rubygems, crates, go), for callers without the
    /// ecosystem catalog; <c>generic</c> for any other. The catalog's <c>IEcosystem.PurlType</c> answers for plug-ins.
    /// </summary>
    public static string ForEcosystem(string ecosystem) => ecosystem.ToLowerInvariant() switch
    {
        "npm" => "npm",
        "pypi" or "pip" => "pypi",
        "maven" => "maven",
        "nuget" => "nuget",
        "rubygems" or "gem" => "gem",
        "crates" or "cargo" => "cargo",
        "go" or "golang" => "golang",
        "composer" or "packagist" => "composer",
        _ => "generic",
    };

    /// <summary>The purl of a package as its ecosystem names it; null version for an unresolved one.</summary>
    /// <exception cref="PackageUrlException">The name cannot be a package URL of that type (an empty Maven group, ...).</exception>
    public static PackageUrl ForPackage(string purlType, string name, string? version, IReadOnlyDictionary<string, string>? qualifiers = null)
    {
        ArgumentNullException.ThrowIfNull(purlType);
        ArgumentNullException.ThrowIfNull(name);
        var (@namespace, shortName) = purlType.ToLowerInvariant() switch
        {
            "maven" => SplitAt(name, ':'),
            "npm" when name.StartsWith('@') => SplitAt(name, '/'),
            "npm" => (null, name),
            "golang" or "composer" or "github" or "bitbucket" => SplitLast(name, '/'),
            _ => (null, name),
        };
        return PackageUrl.Create(purlType, @namespace, shortName, version, qualifiers);
    }

    internal static (string? Namespace, string Name) Normalise(string type, string? @namespace, string name) => type switch
    {
        // The pypi type's rule: lower case, '_' written as '-' (PyPI treats both the same).
        "pypi" => (@namespace, name.ToLowerInvariant().Replace('_', '-')),
        "composer" or "github" or "bitbucket" => (@namespace?.ToLowerInvariant(), name.ToLowerInvariant()),
        _ => (@namespace, name),
    };

    internal static bool RequiresNamespace(string type) => type is "maven" or "composer" or "github" or "bitbucket";

    internal static string NamespaceMeaning(string type) => type switch
    {
        "maven" => "the group id, as in group:artifact",
        "composer" => "the vendor, as in vendor/package",
        _ => "the owner, as in owner/repository",
    };

    private static (string?, string) SplitAt(string name, char separator)
    {
        var at = name.IndexOf(separator, StringComparison.Ordinal);
        return at < 0 ? (null, name) : (name[..at], name[(at + 1)..]);
    }

    private static (string?, string) SplitLast(string name, char separator)
    {
        var at = name.LastIndexOf(separator);
        return at < 0 ? (null, name) : (name[..at], name[(at + 1)..]);
    }
}
