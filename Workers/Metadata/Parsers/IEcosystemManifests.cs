using Cucos.Sdk.Ecosystems;

namespace Cucos.Workers.Metadata.Parsers;

/// <summary>
/// The manifest formats an <see cref="IEcosystem"/> brings to the metadata task. A separate interface, in Workers,
/// because the parsers produce metadata's own result model (<see cref="PackageManifest"/>), which lives with that task.
/// </summary>
public interface IEcosystemManifests
{
    /// <summary>The formats, in order of preference for the primary manifest of a folder.</summary>
    IReadOnlyList<IManifestParser> ManifestParsers { get; }

    /// <summary>
    /// Where two ecosystems' manifests sit in one folder (a Cargo.toml beside a pyproject.toml), the lower value's is the
    /// primary one. The built-ins use 10 (npm) to 80 (PyPI); a plug-in's come after them unless it says otherwise.
    /// </summary>
    int ManifestPriority => 100;
}

/// <summary>Manifest formats metadata reads that belong to no registered ecosystem.</summary>
public static class ManifestOnlyFormats
{
    /// <summary>
    /// Composer (PHP) manifests: read for metadata since the seed did, but no ecosystem, because no Composer
    /// repository is fetched from; an ecosystem would let requests name <c>packagist:...</c> that init can only fail.
    /// </summary>
    public static readonly IReadOnlyList<IManifestParser> Parsers = [new ComposerParser()];

    /// <summary>Composer's place among the built-in ecosystems' manifests (see <see cref="IEcosystemManifests.ManifestPriority"/>).</summary>
    public const int Priority = 60;
}
