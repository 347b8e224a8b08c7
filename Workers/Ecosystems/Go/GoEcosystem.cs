using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Metadata;
using Cucos.Workers.Metadata.Parsers;

namespace Cucos.Workers.Ecosystems.Go;

/// <summary>Go: modules from a Go module proxy (Cucos:Registries:go).</summary>
public sealed class GoEcosystem(GoModuleProxy registry) : IEcosystem, IEcosystemManifests
{
    public string Id => "go";
    public IReadOnlyList<string> Aliases => ["golang"];
    public string PurlType => "golang";
    public string Example => "go:example.org/module@v1.2.3";
    public IPackageArtifactSource? ArtifactSource => registry;
    public IVersionResolver? VersionResolver { get; } = new GoResolver();
    public IReadOnlyList<IManifestParser> ManifestParsers { get; } = [new GoModParser()];
    public int ManifestPriority => 50;
}
