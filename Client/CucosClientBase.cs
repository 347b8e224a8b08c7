using System.Text.Json;
using Cucos.Messages;
using Cucos.Reports.Diff;
using Cucos.Reports.Sbom;
using Cucos.State;

namespace Cucos.Client;

/// <summary>
/// What both clients share: waiting for an analysis to finish, built once on <see cref="WaitForChangeAsync"/>, with the
/// tolerance of a cluster that cannot answer for a moment. A client says only which of its failures are which.
/// </summary>
public abstract class CucosClientBase : ICucosClient
{
    /// <summary>How long one long poll waits for news; the grain and the API answer within 20 s.</summary>
    protected static readonly TimeSpan PollWait = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(500);
    /// <summary>How long outages may go on while waiting before the last failure is thrown.</summary>
    private static readonly TimeSpan OutagePatience = TimeSpan.FromMinutes(2);

    /// <summary>What a failure of one long poll means to the wait around it.</summary>
    protected enum WaitFailure
    {
        /// <summary>A mistake or an answer: thrown at once.</summary>
        Fatal,
        /// <summary>Storage or the silo behind the API is away: retried for a while, then thrown.</summary>
        Outage,
        /// <summary>A silo died or is busy: the analysis lives on in storage, so waiting goes on.</summary>
        Transient,
    }

    /// <summary>How this client's <paramref name="exception"/> from <see cref="WaitForChangeAsync"/> is treated while waiting.</summary>
    protected abstract WaitFailure Classify(Exception exception);

    public abstract Task<AnalysisTicket> StartAnalysisAsync(AnalysisRequest request, CancellationToken cancellationToken = default);
    public abstract Task<AnalysisSnapshot?> WaitForChangeAsync(string analysisId, long afterRevision, TimeSpan wait, CancellationToken cancellationToken = default);
    public abstract Task<AnalysisSnapshot?> GetAnalysisAsync(string analysisId, CancellationToken cancellationToken = default);
    public abstract Task<AnalysisSnapshot?> CancelAnalysisAsync(string analysisId, CancellationToken cancellationToken = default);
    public abstract Task<JsonElement?> GetResultAsync(string analysisId, string taskName, CancellationToken cancellationToken = default);
    public abstract Task<TaskRerunResult> RerunTaskAsync(string analysisId, string taskName, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>The reason recorded when a caller gives none: the grain needs one, and an empty audit line says nothing.</summary>
    public const string NoRerunReason = "no reason given";

    public abstract Task<PackageAnalyses> ListAnalysesAsync(string ecosystem, string name, string version, CancellationToken cancellationToken = default);

    public Task<AnalysisSnapshot> WaitForCompletionAsync(string analysisId, CancellationToken cancellationToken = default) =>
        WaitForCompletionAsync(analysisId, progress: null, cancellationToken);

    public async Task<AnalysisSnapshot> WaitForCompletionAsync(
        string analysisId, IProgress<AnalysisSnapshot>? progress, CancellationToken cancellationToken = default)
    {
        CheckId(analysisId);
        var revision = -1L;
        DateTime? failingSince = null;
        while (true)
        {
            AnalysisSnapshot? snapshot;
            try
            {
                // Without a progress listener only the end matters: no revision is newer than long.MaxValue, so the
                // answer comes when the analysis finishes (or the poll's time is up).
                snapshot = await WaitForChangeAsync(analysisId, progress is null ? long.MaxValue : revision, PollWait, cancellationToken).ConfigureAwait(false);
                failingSince = null;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested && Classify(exception) switch
            {
                WaitFailure.Transient => true,
                WaitFailure.Outage => DateTime.UtcNow - (failingSince ??= DateTime.UtcNow) < OutagePatience,
                _ => false,
            })
            {
                await Task.Delay(RetryPause, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (snapshot is null)
                throw new AnalysisNotFoundException(analysisId);
            if (snapshot.Revision != revision)
                progress?.Report(snapshot);
            if (snapshot.IsFinished)
                return snapshot;
            revision = snapshot.Revision;
        }
    }

    /// <summary>Read through this client and rendered here; the HTTP client asks the silo's route instead.</summary>
    public virtual async Task<byte[]?> GetSbomAsync(string analysisId, SbomFormat format, CancellationToken cancellationToken = default)
    {
        CheckId(analysisId);
        var documents = await AnalysisDocumentsLoader.LoadAsync(this, analysisId, withDependencies: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (documents is null)
            return null;
        if (documents.FinishedAt is null)
            throw new SbomException($"analysis {analysisId} of {documents.Release} is still running: its SBOM is made from its final results. Wait for it and ask again.");
        return SbomWriter.Render(format, documents);
    }

    public virtual async Task<VersionDiff?> DiffAsync(string fromAnalysisId, string toAnalysisId, CancellationToken cancellationToken = default)
    {
        CheckId(fromAnalysisId);
        CheckId(toAnalysisId);
        var from = await AnalysisDocumentsLoader.LoadAsync(this, fromAnalysisId, withDependencies: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        var to = await AnalysisDocumentsLoader.LoadAsync(this, toAnalysisId, withDependencies: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        return from is null || to is null ? null : VersionComparer.Compare(from, to);
    }

    protected static void CheckId(string analysisId)
    {
        if (string.IsNullOrWhiteSpace(analysisId))
            throw new ArgumentException("the analysis id is empty: give the id that StartAnalysisAsync returned.", nameof(analysisId));
    }

    protected static void CheckTaskName(string taskName)
    {
        if (string.IsNullOrWhiteSpace(taskName))
            throw new ArgumentException("the task name is empty: give one such as 'digests'.", nameof(taskName));
    }

    /// <summary>The checks a list needs before it goes anywhere, in the words the cluster uses.</summary>
    protected static void CheckPackage(string ecosystem, string name, string version)
    {
        var problems = RequestChecks.OfPackage(ecosystem, name, version, "one such as 'npm'");
        if (problems.Count > 0)
            throw new InvalidAnalysisRequestException(problems);
    }
}
