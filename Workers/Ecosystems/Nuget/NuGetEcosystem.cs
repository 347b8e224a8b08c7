using Cucos.Sdk.Ecosystems;

namespace Cucos.Workers.Ecosystems.Nuget; // not "NuGet": that would shadow the NuGet.* namespaces of NuGet.Configuration

/// <summary>NuGet: .NET packages from the feeds NuGet.Config names.</summary>
public sealed class NuGetEcosystem : IEcosystem
{
    public string Id => "nuget";
    public IReadOnlyList<string> Aliases => [];
    public string PurlType => "nuget";
    public string Example => "nuget:Newtonsoft.Json@13.0.1";
}
