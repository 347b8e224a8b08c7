using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Metadata;
using Cucos.Workers.Metadata.Parsers;

namespace Cucos.Workers.Ecosystems.PyPi;

/// <summary>PyPI: Python distributions from a JSON index (Cucos:Registries:pypi).</summary>
public sealed class PyPiEcosystem(PyPiRegistry registry) : IEcosystem, IEcosystemManifests
{
    public string Id => "pypi";
    public IReadOnlyList<string> Aliases => ["pip", "python"];
    public string PurlType => "pypi";
    public string Example => "pypi:requests@2.31.0";
    public IPackageArtifactSource? ArtifactSource => registry;
    public IVersionResolver? VersionResolver { get; } = new Pep440Resolver();
    public IReadOnlyList<IManifestParser> ManifestParsers { get; } = [new PythonMetadataParser(), new PyprojectParser(), new SetupCfgParser(), new SetupPyParser(), new RequirementsParser(main: true), new RequirementsParser(main: false)];
    public int ManifestPriority => 80;
}
