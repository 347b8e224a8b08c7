using Cucos.Sdk.Ecosystems;

namespace Cucos.Workers.Ecosystems.PyPi;

/// <summary>PyPI: Python distributions from a simple/JSON index (Cucos:Registries:pypi).</summary>
public sealed class PyPiEcosystem : IEcosystem
{
    public string Id => "pypi";
    public IReadOnlyList<string> Aliases => ["pip", "python"];
    public string PurlType => "pypi";
    public string Example => "pypi:requests@2.31.0";
}
