using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Metadata;
using Cucos.Workers.Metadata.Parsers;

namespace Cucos.Workers.Ecosystems.Crates;

/// <summary>crates: Rust crates (Cucos:Registries:crates).</summary>
public sealed class CratesEcosystem(CratesRegistry registry) : IEcosystem, IEcosystemManifests
{
    public string Id => "crates";
    public IReadOnlyList<string> Aliases => ["cargo"];
    public string PurlType => "cargo";
    public string Example => "crates:serde@1.0.193";
    public IPackageArtifactSource? ArtifactSource => registry;
    public IVersionResolver? VersionResolver { get; } = new CargoResolver();
    public IReadOnlyList<IManifestParser> ManifestParsers { get; } = [new CargoParser(), new CargoLockParser()];
    public int ManifestPriority => 40;
}
