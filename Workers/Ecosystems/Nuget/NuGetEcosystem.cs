using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Metadata;
using Cucos.Workers.Metadata.Parsers;

namespace Cucos.Workers.Ecosystems.Nuget; // not "NuGet": that would shadow the NuGet.* namespaces of NuGet.Configuration

/// <summary>NuGet: .NET packages from the feeds NuGet.Config names.</summary>
public sealed class NuGetEcosystem(NuGetRegistry registry) : IEcosystem, IEcosystemManifests
{
    public string Id => "nuget";
    public IReadOnlyList<string> Aliases => [];
    public string PurlType => "nuget";
    public string Example => "nuget:Newtonsoft.Json@13.0.1";
    public IPackageArtifactSource? ArtifactSource => registry;
    public IVersionResolver? VersionResolver { get; } = new NuGetResolver();
    public IReadOnlyList<IManifestParser> ManifestParsers { get; } = [new NuspecParser()];
    public int ManifestPriority => 30;
    public string? NativeConfiguration => "NuGet.Config";
}
