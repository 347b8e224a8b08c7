namespace Cucos.Sdk.Ecosystems;

/// <summary>
/// One package ecosystem (npm, NuGet, PyPI, ...): everything the cluster knows of it, in one place. Every part that
/// needs to know an ecosystem (request parsing and validation, the API, the CLI, init, metadata, dependency
/// resolution, security advisories) asks the <see cref="EcosystemCatalog"/> instead of keeping its own list.
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
}
