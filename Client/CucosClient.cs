using System.Text.Json;
using Cucos.Grains;
using Cucos.Messages;
using Cucos.State;

namespace Cucos.Client;

/// <summary>The client over any Orleans grain factory: a cluster client, or the silo's own inside an embedded cluster.</summary>
public sealed class CucosClient(IGrainFactory grains) : CucosClientBase
{
    /// <summary>The grain validates the request: it is where every door enters the cluster, so it is checked once.</summary>
    public override Task<AnalysisTicket> StartAnalysisAsync(AnalysisRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = GrainKeys.Package(request.Ecosystem, request.Name, request.Version);
        return grains.GetGrain<IPackageAnalysisGrain>(key).StartAsync(request).WaitAsync(cancellationToken);
    }

    public override Task<AnalysisSnapshot?> WaitForChangeAsync(string analysisId, long afterRevision, TimeSpan wait, CancellationToken cancellationToken = default) =>
        Analysis(analysisId).WaitForChangeAsync(afterRevision, wait).WaitAsync(cancellationToken);

    public override Task<AnalysisSnapshot?> GetAnalysisAsync(string analysisId, CancellationToken cancellationToken = default) =>
        Analysis(analysisId).GetAsync().WaitAsync(cancellationToken);

    public override Task<AnalysisSnapshot?> CancelAnalysisAsync(string analysisId, CancellationToken cancellationToken = default) =>
        Analysis(analysisId).CancelAsync().WaitAsync(cancellationToken);

    /// <summary>Recorded as asked for by this process' user, since a grain client has no caller identity of its own.</summary>
    public override Task<TaskRerunResult> RerunTaskAsync(string analysisId, string taskName, string? reason = null, CancellationToken cancellationToken = default) =>
        RerunTaskAsync(analysisId, taskName, reason, $"client {Environment.UserName}@{Environment.MachineName}", cancellationToken);

    /// <summary>As <see cref="RerunTaskAsync(string, string, string?, CancellationToken)"/>, recorded as asked for by <paramref name="requestedBy"/> (the HTTP API's caller).</summary>
    public async Task<TaskRerunResult> RerunTaskAsync(string analysisId, string taskName, string? reason, string requestedBy, CancellationToken cancellationToken = default)
    {
        CheckTaskName(taskName);
        try
        {
            return await Analysis(analysisId).RerunTaskAsync(taskName, string.IsNullOrWhiteSpace(reason) ? NoRerunReason : reason.Trim(), requestedBy)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (TaskRerunRefusedException refused) when (refused.Refusal == TaskRerunRefusal.AnalysisNotFound)
        {
            throw new AnalysisNotFoundException(analysisId);
        }
    }

    public override Task<JsonElement?> GetResultAsync(string analysisId, string taskName, CancellationToken cancellationToken = default)
    {
        CheckId(analysisId);
        CheckTaskName(taskName);
        return grains.GetGrain<ITaskResultGrain>(GrainKeys.TaskResult(analysisId, taskName)).GetAsync().WaitAsync(cancellationToken);
    }

    public override async Task<PackageAnalyses> ListAnalysesAsync(string ecosystem, string name, string version, CancellationToken cancellationToken = default)
    {
        (ecosystem, name, version) = (ecosystem?.Trim() ?? "", name?.Trim() ?? "", version?.Trim() ?? "");
        CheckPackage(ecosystem, name, version);
        var history = await grains.GetGrain<IPackageAnalysisGrain>(GrainKeys.Package(ecosystem, name, version))
            .GetHistoryAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var snapshots = await Task.WhenAll(history.Select(async id =>
        {
            try
            {
                return await grains.GetGrain<IAnalysisGrain>(id).GetAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (ClusterErrors.IsTransient(exception))
            {
                return null; // listed without its status rather than failing the whole list
            }
        })).ConfigureAwait(false);
        var entries = history.Select((id, i) => new PackageAnalysisEntry(
            id, snapshots[i]?.Status, snapshots[i]?.CreatedAt, snapshots[i]?.FinishedAt, Current: i == history.Length - 1)).ToArray();
        return new PackageAnalyses(ecosystem, name, version, entries);
    }

    protected override WaitFailure Classify(Exception exception) => exception switch
    {
        ArgumentException or OperationCanceledException => WaitFailure.Fatal,
        _ when ClusterErrors.IsTransient(exception) => WaitFailure.Transient,
        // Storage away for a moment arrives as whatever its provider throws.
        _ => WaitFailure.Outage,
    };

    private IAnalysisGrain Analysis(string analysisId)
    {
        CheckId(analysisId);
        return grains.GetGrain<IAnalysisGrain>(analysisId);
    }
}
