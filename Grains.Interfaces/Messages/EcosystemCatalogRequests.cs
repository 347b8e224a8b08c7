using Cucos.Sdk.Ecosystems;

namespace Cucos.Messages;

/// <summary>
/// Requests named through the ecosystem catalog. They live beside <see cref="AnalysisRequest"/> because the Sdk,
/// where the catalog is, references no Orleans project.
/// </summary>
public static class EcosystemCatalogRequests
{
    /// <summary>
    /// Reads <c>ECOSYSTEM:NAME@VERSION</c> (see <see cref="AnalysisRequest.ParsePackage"/>) with the ecosystem looked up
    /// here, plug-ins and aliases included, and written as its id: <c>pip:six@1.16.0</c> asks for <c>pypi</c>.
    /// Throws <see cref="ArgumentException"/> saying what to fix.
    /// </summary>
    public static AnalysisRequest ParsePackage(this EcosystemCatalog catalog, string text, bool force = false, string[]? tasks = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        AnalysisRequest.ThrowIfForged(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
            throw new ArgumentException($"'{text}' does not name a package as ECOSYSTEM:NAME@VERSION with an ecosystem among {catalog.IdsInRegistrationOrder} (for example {catalog.ExamplePackage}).");
        var ecosystem = text[..colon];
        if (catalog.Find(ecosystem) is not { } known)
            throw new ArgumentException($"'{text}' does not name a package as ECOSYSTEM:NAME@VERSION with an ecosystem among {catalog.IdsInRegistrationOrder}: '{ecosystem}' is not one this cluster knows (for example {catalog.ExamplePackage}).");
        return AnalysisRequest.ParsePackage(known.Id + text[colon..], force, tasks);
    }

    /// <summary>The request with its ecosystem written as the id when it names one by an alias; a local or unknown ecosystem is left as it is.</summary>
    public static AnalysisRequest Normalise(this EcosystemCatalog catalog, AnalysisRequest request)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(request);
        return catalog.Find(request.Ecosystem) is { } known && known.Id != request.Ecosystem ? request with { Ecosystem = known.Id } : request;
    }
}
