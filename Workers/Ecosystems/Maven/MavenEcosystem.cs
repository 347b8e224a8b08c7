using Cucos.Sdk.Ecosystems;

namespace Cucos.Workers.Ecosystems.Maven;

/// <summary>Maven: Java artifacts as GROUP:ARTIFACT from a Maven repository (Cucos:Registries:maven).</summary>
public sealed class MavenEcosystem : IEcosystem
{
    public string Id => "maven";
    public IReadOnlyList<string> Aliases => [];
    public string PurlType => "maven";
    public string Example => "maven:org.example:library@1.0";
}
