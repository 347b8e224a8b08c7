namespace Cucos.Sdk.Ecosystems;

/// <summary>
/// One package ecosystem (npm, NuGet, PyPI, ...): everything the cluster knows of it, in one place. Every part that
/// needs to know an ecosystem (request parsing and validation, the API, the CLI, init, metadata, dependency
/// resolution, security advisories) asks the <see cref="EcosystemCatalog"/> instead of keeping its own list.
/// Register one with <c>services.AddCucosEcosystem&lt;T&gt;()</c>; its constructor may take any registered service.
/// </summary>
public interface IEcosystem
{
    /// <summary>The id requests use: lower-case letters, digits and '-' (<c>npm</c>, <c>nuget</c>, <c>pypi</c>).</summary>
    string Id { get; }

    /// <summary>Other names a user may type for it (<c>pip</c> for pypi); never another ecosystem's id.</summary>
    IReadOnlyList<string> Aliases { get; }

    /// <summary>The package-url type (<c>npm</c>, <c>nuget</c>, <c>pypi</c>, <c>maven</c>, <c>gem</c>, <c>cargo</c>, <c>golang</c>).</summary>
    string PurlType { get; }

    /// <summary>An example package as <c>ID:NAME@VERSION</c>, for help texts and error messages.</summary>
    string Example { get; }

    /// <summary>Where init downloads a version's archive from; null for an ecosystem whose packages are only analysed from a path.</summary>
    IPackageArtifactSource? ArtifactSource { get; }

    /// <summary>Where dependency resolution lists a package's versions; by default the artifact source.</summary>
    IPackageVersionSource? VersionSource => ArtifactSource;

    /// <summary>The ecosystem's version ordering and range rules, which dependency_snapshot resolves specifications with; null when it has none.</summary>
    IVersionResolver? VersionResolver { get; }

    /// <summary>
    /// The user's own client configuration the registry address and credentials are read from (<c>.npmrc</c>,
    /// <c>NuGet.Config</c>); null when the address is the base URL <c>Cucos:Registries:&lt;Id&gt;</c>
    /// (<c>--registry ID=URL</c> on the command line).
    /// </summary>
    string? NativeConfiguration => null;
}
