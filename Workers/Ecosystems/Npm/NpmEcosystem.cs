using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Metadata;
using Cucos.Workers.Metadata.Parsers;

namespace Cucos.Workers.Ecosystems.Npm;

/// <summary>npm: packages of the npm registry (or the one .npmrc names).</summary>
public sealed class NpmEcosystem(NpmRegistry registry) : IEcosystem, IEcosystemManifests
{
    public string Id => "npm";
    public IReadOnlyList<string> Aliases => [];
    public string PurlType => "npm";
    public string Example => "npm:serve-static@1.7.1";
    public IPackageArtifactSource? ArtifactSource => registry;
    public IVersionResolver? VersionResolver { get; } = new NpmResolver();
    public IReadOnlyList<IManifestParser> ManifestParsers { get; } = [
        new NpmParser(),
        // npm reads a shrinkwrap in preference to a package lock when both exist; the first lock of a folder wins.
        new NpmLockParser("npm-shrinkwrap.json"),
        new NpmLockParser("package-lock.json"),
    ];
    public int ManifestPriority => 10;
    public string? NativeConfiguration => ".npmrc";
}
