using Cucos.Sdk.Ecosystems;

namespace Cucos.Workers.Ecosystems.Go;

/// <summary>Go: modules from a Go module proxy (Cucos:Registries:go).</summary>
public sealed class GoEcosystem : IEcosystem
{
    public string Id => "go";
    public IReadOnlyList<string> Aliases => ["golang"];
    public string PurlType => "golang";
    public string Example => "go:example.org/module@v1.2.3";
}
