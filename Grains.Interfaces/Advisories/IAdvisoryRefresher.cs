using Cucos.Sdk;

namespace Cucos.Advisories;

/// <summary>An analysis whose security_issues findings an import changes, and the advisories that change them.</summary>
[GenerateSerializer, Alias("cucos.AdvisoryRerunCandidate")]
public sealed record AdvisoryRerunCandidate(
    [property: Id(0)] string AnalysisId,
    [property: Id(1)] string Release,
    [property: Id(2)] IReadOnlyList<string> AdvisoryIds);

/// <summary>
/// What the advisory refresh grain asks of the silo's security_issues side (the workers assembly implements it, so
/// the grain needs neither the OSV parsing nor the ecosystems' version orderings): the sources to refresh, their
/// parts' digests, the import of one source, and the analyses an import's changes concern.
/// </summary>
public interface IAdvisoryRefresher
{
    /// <summary>The configured sources a refresh grain keeps in the store (e.g. "directory"); empty when there is no store.</summary>
    IReadOnlyList<string> Sources { get; }

    /// <summary>The source's parts and digests as they are now, read without importing.</summary>
    Task<IReadOnlyList<AdvisoryPart>> PartsAsync(string source, CancellationToken cancellationToken);

    /// <summary>Imports the source under <paramref name="importId"/>; doing it again with the same id changes nothing more.</summary>
    Task<AdvisoryImportRecord> ImportAsync(string source, string importId, CancellationToken cancellationToken);

    /// <summary>The finished analyses whose findings the records changed by <paramref name="importId"/> change.</summary>
    Task<IReadOnlyList<AdvisoryRerunCandidate>> CandidatesAsync(string importId, CancellationToken cancellationToken);
}
