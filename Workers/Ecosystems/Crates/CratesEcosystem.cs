using Cucos.Sdk.Ecosystems;

namespace Cucos.Workers.Ecosystems.Crates;

/// <summary>crates: Rust crates (Cucos:Registries:crates).</summary>
public sealed class CratesEcosystem : IEcosystem
{
    public string Id => "crates";
    public IReadOnlyList<string> Aliases => ["cargo"];
    public string PurlType => "cargo";
    public string Example => "crates:serde@1.0.193";
}
