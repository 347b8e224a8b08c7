using Cucos.Workers.Registries;

namespace Cucos.Silo.Api;

/// <summary>The ecosystems this silo's init can fetch from: one per registered registry source.</summary>
public sealed class KnownEcosystems(IEnumerable<IPackageArtifactSource> sources)
{
    private readonly string[] names = [.. sources.Select(s => s.Ecosystem).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public bool Contains(string ecosystem) => names.Contains(ecosystem, StringComparer.Ordinal);

    public string List => string.Join(", ", names);
}
