using System.Text.Json;
using Cucos.Orleans.Sdk;

namespace Cucos.Orleans.Grains.Results;

/// <summary>
/// An analysis' results, each in its own <see cref="ITaskResultGrain"/>. Calls ride out a silo's death (retrying
/// transient cluster failures for <paramref name="patience"/>), so a failover does not use up a task's retries.
/// </summary>
public sealed class GrainTaskResultStore(IGrainFactory grains, string analysisId, TimeSpan patience) : ITaskResultStore
{
    public Task<bool> SaveAsync(string taskName, int attempt, JsonElement document, CancellationToken cancellationToken) =>
        ClusterErrors.RetryTransientAsync(() => Grain(taskName).SaveAsync(attempt, document), patience, cancellationToken);

    public Task<JsonElement?> GetAsync(string taskName, CancellationToken cancellationToken) =>
        ClusterErrors.RetryTransientAsync(() => Grain(taskName).GetAsync(), patience, cancellationToken);

    private ITaskResultGrain Grain(string taskName) =>
        grains.GetGrain<ITaskResultGrain>(GrainKeys.TaskResult(analysisId, taskName));
}
