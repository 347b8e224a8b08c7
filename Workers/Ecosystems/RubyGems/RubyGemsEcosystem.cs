using Cucos.Sdk.Ecosystems;

namespace Cucos.Workers.Ecosystems.RubyGems;

/// <summary>RubyGems: Ruby gems (Cucos:Registries:rubygems).</summary>
public sealed class RubyGemsEcosystem : IEcosystem
{
    public string Id => "rubygems";
    public IReadOnlyList<string> Aliases => ["gem"];
    public string PurlType => "gem";
    public string Example => "rubygems:rack@3.0.8";
}
