using System.Text.Json;
using Cucos.Grains;
using Cucos.Messages;
using Cucos.State;

namespace Cucos.Client;

/// <summary>The client over any Orleans grain factory: a cluster client, or the silo's own inside an embedded cluster.</summary>
public sealed class CucosClient(IGrainFactory grains) : ICucosClient
{
    private static readonly TimeSpan PollWait = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(500);
    /// <summary>How long other failures may go on before waiting gives up and throws the last one.</summary>
    private static readonly TimeSpan OutagePatience = TimeSpan.FromMinutes(2);



    public Task<AnalysisTicket> StartAnalysisAsync(AnalysisRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Validate() is { Count: > 0 } problems)
            throw new ArgumentException("the analysis request is not valid: " + string.Join(" ", problems), nameof(request));
        var key = GrainKeys.Package(request.Ecosystem, request.Name, request.Version);
        return grains.GetGrain<IPackageAnalysisGrain>(key).StartAsync(request).WaitAsync(cancellationToken);
    }

    public Task<AnalysisSnapshot> WaitForCompletionAsync(string analysisId, CancellationToken cancellationToken = default) =>
        WaitForCompletionAsync(analysisId, progress: null, cancellationToken);

    public async Task<AnalysisSnapshot> WaitForCompletionAsync(
        string analysisId, IProgress<AnalysisSnapshot>? progress, CancellationToken cancellationToken = default)
    {
        var analysis = Analysis(analysisId);
        var revision = -1L;
        DateTime? failingSince = null;
        while (true)
        {
            AnalysisSnapshot? snapshot;
            try
            {
                // Without a progress listener only the end matters: the grain answers once, when the analysis finishes.
                snapshot = await analysis.WaitForChangeAsync(progress is null ? long.MaxValue : revision, PollWait).WaitAsync(cancellationToken);
                failingSince = null;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested && exception is not (ArgumentException or OperationCanceledException)
                && (ClusterErrors.IsTransient(exception) || DateTime.UtcNow - (failingSince ??= DateTime.UtcNow) < OutagePatience))
            {
                // A silo died, or storage is away for a moment: the analysis lives on in storage and comes back.
                await Task.Delay(RetryPause, cancellationToken);
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

    public Task<AnalysisSnapshot?> GetAnalysisAsync(string analysisId, CancellationToken cancellationToken = default) =>
        Analysis(analysisId).GetAsync().WaitAsync(cancellationToken);

    public Task<JsonElement?> GetResultAsync(string analysisId, string taskName, CancellationToken cancellationToken = default)
    {
        CheckId(analysisId);
        if (string.IsNullOrWhiteSpace(taskName))
            throw new ArgumentException("the task name is empty: give one such as 'digests'.", nameof(taskName));
        return grains.GetGrain<ITaskResultGrain>(GrainKeys.TaskResult(analysisId, taskName)).GetAsync().WaitAsync(cancellationToken);
    }

    private IAnalysisGrain Analysis(string analysisId)
    {
        CheckId(analysisId);
        return grains.GetGrain<IAnalysisGrain>(analysisId);
    }

    private static void CheckId(string analysisId)
    {
        if (string.IsNullOrWhiteSpace(analysisId))
            throw new ArgumentException("the analysis id is empty: give the id that StartAnalysisAsync returned.", nameof(analysisId));
    }
}
