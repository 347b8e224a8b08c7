using System.Text.Json;
using Cucos.Sdk;
using Cucos.Usage;

namespace Cucos.Grains.Usage;

/// <summary>A result store that tells an observer of each document it stored (and not of one it refused as stale).</summary>
public sealed class ObservedResultStore(ITaskResultStore inner, string analysisId, IStoredResultObserver observer) : ITaskResultStore
{
    public async Task<bool> SaveAsync(string taskName, int attempt, JsonElement document, CancellationToken cancellationToken)
    {
        var stored = await inner.SaveAsync(taskName, attempt, document, cancellationToken).ConfigureAwait(false);
        if (stored)
            observer.Stored(analysisId, taskName, document);
        return stored;
    }

    public Task<JsonElement?> GetAsync(string taskName, CancellationToken cancellationToken) => inner.GetAsync(taskName, cancellationToken);
}
