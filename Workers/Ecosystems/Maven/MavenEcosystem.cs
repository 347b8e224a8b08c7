using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Metadata;
using Cucos.Workers.Metadata.Parsers;

namespace Cucos.Workers.Ecosystems.Maven;

/// <summary>Maven: Java artifacts as GROUP:ARTIFACT from a Maven repository (Cucos:Registries:maven).</summary>
public sealed class MavenEcosystem(MavenRegistry registry) : IEcosystem, IEcosystemManifests
{
    public string Id => "maven";
    public IReadOnlyList<string> Aliases => [];
    public string PurlType => "maven";
    public string Example => "maven:org.example:library@1.0";
    public IPackageArtifactSource? ArtifactSource => registry;
    public IVersionResolver? VersionResolver { get; } = new MavenResolver();
    public IReadOnlyList<IManifestParser> ManifestParsers { get; } = [new MavenPomParser()];
    public int ManifestPriority => 20;
}
