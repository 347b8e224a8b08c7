using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Metadata;
using Cucos.Workers.Metadata.Parsers;

namespace Cucos.Workers.Ecosystems.RubyGems;

/// <summary>RubyGems: Ruby gems (Cucos:Registries:rubygems).</summary>
public sealed class RubyGemsEcosystem(RubyGemsRegistry registry) : IEcosystem, IEcosystemManifests
{
    public string Id => "rubygems";
    public IReadOnlyList<string> Aliases => ["gem"];
    public string PurlType => "gem";
    public string Example => "rubygems:rack@3.0.8";
    public IPackageArtifactSource? ArtifactSource => registry;
    public IVersionResolver? VersionResolver { get; } = new RubyGemsResolver();
    public IReadOnlyList<IManifestParser> ManifestParsers { get; } = [new RubyGemsParser(), new GemfileLockParser()];
    public int ManifestPriority => 70;
}
