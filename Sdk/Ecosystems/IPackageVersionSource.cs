namespace Cucos.Sdk.Ecosystems;

/// <summary>
/// Lists the published versions of a package in one ecosystem's registry, read from the user's own registry
/// configuration. init fetches through the same registries; dependency_snapshot resolves ranges against this list.
/// </summary>
public interface IPackageVersionSource
{
    /// <summary>The ecosystem id as used in requests: npm, nuget, pypi, maven, rubygems, crates, go.</summary>
    string Ecosystem { get; }

    /// <summary>
    /// Every version the registry lists for <paramref name="name"/>, in the registry's own order. Throws
    /// <see cref="PackageNotFoundException"/> when the registry has no such package.
    /// </summary>
    Task<IReadOnlyList<string>> ListVersionsAsync(string name, CancellationToken cancellationToken);
}

/// <summary>The registry answered that the package (or version) does not exist: not worth retrying.</summary>
public sealed class PackageNotFoundException(string ecosystem, string name, string? version, string registry)
    : Exception(version is null
        ? $"package '{name}' was not found in {registry} ({ecosystem})."
        : $"package '{name}' version '{version}' was not found in {registry} ({ecosystem}).")
{
    public string Ecosystem { get; } = ecosystem;
    public string PackageName { get; } = name;
    public string? Version { get; } = version;
    public string Registry { get; } = registry;
}
