using System.Text.Json;
using Cucos.Messages;
using Cucos.Reports.Diff;
using Cucos.Reports.Sbom;
using Cucos.State;

namespace Cucos.Client;

/// <summary>
/// The one door to the cluster, for services, the HTTP API's handlers, tasks and the CLI: starts analyses and reads
/// their state and results, against an embedded or a remote cluster (<see cref="CucosClient"/> over grains,
/// <see cref="Http.CucosHttpClient"/> over a silo's HTTP API).
/// </summary>
public interface ICucosClient
{
    /// <summary>
    /// Starts an analysis of the request's package version, or returns the current one when there is one
    /// and the request does not say <c>Force</c>.
    /// </summary>
    /// <exception cref="InvalidAnalysisRequestException">The request is not valid; its problems say per field what to fix.</exception>
    Task<AnalysisTicket> StartAnalysisAsync(AnalysisRequest request, CancellationToken cancellationToken = default);

    /// <summary>Waits until the analysis finished and returns it; <paramref name="progress"/> sees every change on the way.</summary>
    /// <exception cref="AnalysisNotFoundException">No analysis has this id.</exception>
    Task<AnalysisSnapshot> WaitForCompletionAsync(string analysisId, IProgress<AnalysisSnapshot>? progress, CancellationToken cancellationToken = default);

    /// <summary>Waits until the analysis finished and returns it.</summary>
    /// <exception cref="AnalysisNotFoundException">No analysis has this id.</exception>
    Task<AnalysisSnapshot> WaitForCompletionAsync(string analysisId, CancellationToken cancellationToken = default);

    /// <summary>
    /// A long poll: the analysis once its revision is newer than <paramref name="afterRevision"/> (-1 for at once), or as it
    /// is when <paramref name="wait"/> (at most 20 s) passed first; null when no analysis has this id.
    /// </summary>
    Task<AnalysisSnapshot?> WaitForChangeAsync(string analysisId, long afterRevision, TimeSpan wait, CancellationToken cancellationToken = default);

    /// <summary>The analysis with per-task status, timestamps, attempts and errors; null when no analysis has this id.</summary>
    Task<AnalysisSnapshot?> GetAnalysisAsync(string analysisId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels the analysis: running attempts are stopped through their CancellationToken, nothing new is dispatched,
    /// the callback runs once and the analysis ends cancelled, keeping the results stored so far. Returns the analysis as
    /// it stands once the cancel is stored; a finished analysis is returned unchanged. Null when no analysis has this id.
    /// </summary>
    Task<AnalysisSnapshot?> CancelAnalysisAsync(string analysisId, CancellationToken cancellationToken = default);

    /// <summary>One task's stored result document; null when the task stored none (yet).</summary>
    Task<JsonElement?> GetResultAsync(string analysisId, string taskName, CancellationToken cancellationToken = default);

    /// <summary>Every analysis of one package version, oldest first; the last is the current one.</summary>
    /// <exception cref="InvalidAnalysisRequestException">A part of the package version is empty or malformed.</exception>
    Task<PackageAnalyses> ListAnalysesAsync(string ecosystem, string name, string version, CancellationToken cancellationToken = default);

    /// <summary>
    /// The analysis' SBOM (CycloneDX 1.6 or SPDX 2.3 JSON, UTF-8) from its stored results, with the deeper dependency levels
    /// that were analysed; null when no analysis has this id.
    /// </summary>
    /// <exception cref="SbomException">The analysis has no package to describe (its init failed).</exception>
    Task<byte[]?> GetSbomAsync(string analysisId, SbomFormat format, CancellationToken cancellationToken = default);

    /// <summary>
    /// What the second analysis' version brings in over the first's, from their stored results: files added, removed
    /// and changed (with ssdeep similarity), licences, dependencies, install scripts and capabilities, advisories, size.
    /// Null when either id names no analysis.
    /// </summary>
    /// <exception cref="DiffException">The analyses are of different packages, or one has not finished or has no files.</exception>
    Task<VersionDiff?> DiffAsync(string fromAnalysisId, string toAnalysisId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Re-runs one task of a finished analysis, with the tasks that depend on it and the callbacks above them; the
    /// re-run, with who asked and <paramref name="reason"/>, is kept in the analysis' <c>Reruns</c>. A second call while
    /// the same re-run is pending changes nothing and answers <see cref="TaskRerunOutcome.AlreadyPending"/>.
    /// </summary>
    /// <exception cref="AnalysisNotFoundException">No analysis has this id.</exception>
    /// <exception cref="TaskRerunRefusedException">The analysis refused: an unknown task (the message names the known
    /// ones), an analysis still running, a callback, or a prerequisite that did not succeed.</exception>
    Task<TaskRerunResult> RerunTaskAsync(string analysisId, string taskName, string? reason = null, CancellationToken cancellationToken = default);
}

public sealed class AnalysisNotFoundException(string analysisId)
    : Exception($"no analysis has the id '{analysisId}'. Check the id that StartAnalysisAsync returned.")
{
    public string AnalysisId { get; } = analysisId;
}
