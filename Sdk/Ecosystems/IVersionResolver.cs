namespace Cucos.Sdk.Ecosystems;

/// <summary>The version an ecosystem's rules pick for a specification, or why none can be picked.</summary>
public sealed record Resolution(string? Version, string? Reason)
{
    public static Resolution Picked(string version) => new(version, null);
    public static Resolution Unresolvable(string reason) => new(null, reason);
}

/// <summary>One ecosystem's rules for turning a declared specification into a version from a registry's list.</summary>
public interface IVersionResolver
{
    /// <summary>The ecosystem ids (as in metadata's <c>ecosystem</c>) whose specifications this resolver reads.</summary>
    string Ecosystem { get; }

    /// <summary>
    /// The package to look up and the specification to resolve against its versions: usually the declared ones,
    /// but an alias (npm's <c>npm:real@^1</c>) names another package. Null when the spec is not a registry version
    /// at all (a URL, a path, a git reference); <paramref name="reason"/> then says what it is.
    /// </summary>
    (string Name, string Spec)? Target(string name, string? spec, out string? reason)
    {
        reason = null;
        return (name, spec ?? "");
    }

    /// <summary>The version the ecosystem picks from <paramref name="versions"/> (in any order) for <paramref name="spec"/>.</summary>
    Resolution Resolve(string spec, IReadOnlyList<string> versions);

    /// <summary>
    /// The ecosystem's own ordering of two versions (negative, zero or positive, as <see cref="IComparer{T}"/>), or
    /// null when either is not a version of this ecosystem. Security advisories' ranges are evaluated with it; an
    /// ecosystem without an ordering leaves the default, and its advisories' ranges are reported as not evaluated.
    /// </summary>
    int? CompareVersions(string left, string right) => null;
}

/// <summary>Rules every ecosystem's resolver shares.</summary>
public static class VersionResolvers
{
    /// <summary>Specifications that name a source instead of a version: URLs, git and path references.</summary>
    public static string? NotARegistryVersion(string spec)
    {
        if (spec.StartsWith("git+", StringComparison.Ordinal) || spec.StartsWith("git:", StringComparison.Ordinal) || spec.StartsWith("git@", StringComparison.Ordinal))
            return "a git reference, not a registry version";
        if (spec.StartsWith("path:", StringComparison.Ordinal) || spec.StartsWith("file:", StringComparison.Ordinal) || spec.StartsWith("link:", StringComparison.Ordinal))
            return "a local path, not a registry version";
        if (spec.Contains("://", StringComparison.Ordinal))
            return "a URL, not a registry version";
        return null;
    }
}
