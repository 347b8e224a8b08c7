using System.Text.Json;
using Cucos.Orleans.Sdk;

namespace Cucos.Orleans.Grains.Results;

/// <summary>An analysis' results, each in its own <see cref="ITaskResultGrain"/>.</summary>
public sealed class GrainTaskResultStore(IGrainFactory grains, string analysisId) : ITaskResultStore
{
    public Task<bool> SaveAsync(string taskName, int attempt, JsonElement document, CancellationToken cancellationToken) =>
        Grain(taskName).SaveAsync(attempt, document);

    public Task<JsonElement?> GetAsync(string taskName, CancellationToken cancellationToken) =>
        Grain(taskName).GetAsync();

    private ITaskResultGrain Grain(string taskName) =>
        grains.GetGrain<ITaskResultGrain>(GrainKeys.TaskResult(analysisId, taskName));
}
