using System.Text.Json;
using Cucos.Orleans.Sdk;

namespace Cucos.Orleans.Grains.Results;

/// <summary>
/// An analysis' results, each in its own <see cref="ITaskResultGrain"/>. Saving and reading are idempotent, so any
/// failure (a silo's death, the database restarting) is retried for <paramref name="patience"/> before it fails the
/// attempt: an outage does not use up a task's retries.
/// </summary>
public sealed class GrainTaskResultStore(IGrainFactory grains, string analysisId, TimeSpan patience) : ITaskResultStore
{
    public Task<bool> SaveAsync(string taskName, int attempt, JsonElement document, CancellationToken cancellationToken) =>
        ClusterErrors.RetryTransientAsync(() => Grain(taskName).SaveAsync(attempt, document), patience, cancellationToken, AnyFailure);

    public Task<JsonElement?> GetAsync(string taskName, CancellationToken cancellationToken) =>
        ClusterErrors.RetryTransientAsync(() => Grain(taskName).GetAsync(), patience, cancellationToken, AnyFailure);

    private static bool AnyFailure(Exception exception) => exception is not OperationCanceledException;

    private ITaskResultGrain Grain(string taskName) =>
        grains.GetGrain<ITaskResultGrain>(GrainKeys.TaskResult(analysisId, taskName));
}
