using Cucos.Sdk.Ecosystems;

namespace Cucos.Workers.Ecosystems.Npm;

/// <summary>npm: packages of the npm registry (or the one .npmrc names).</summary>
public sealed class NpmEcosystem : IEcosystem
{
    public string Id => "npm";
    public IReadOnlyList<string> Aliases => [];
    public string PurlType => "npm";
    public string Example => "npm:serve-static@1.7.1";
}
