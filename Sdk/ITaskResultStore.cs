using System.Text.Json;

namespace Cucos.Sdk;

/// <summary>Where an analysis' result documents live, keyed by task name.</summary>
public interface ITaskResultStore
{
    /// <summary>
    /// Stores the document of <paramref name="attempt"/>. A document of an earlier attempt than the one stored
    /// is refused (returns false): a worker presumed lost may still finish after its retry did.
    /// </summary>
    Task<bool> SaveAsync(string taskName, int attempt, JsonElement document, CancellationToken cancellationToken);

    /// <summary>The stored document of <paramref name="taskName"/>, or null when it has none.</summary>
    Task<JsonElement?> GetAsync(string taskName, CancellationToken cancellationToken);
}

/// <summary>Results kept in memory: for running a worker alone, with no cluster or database.</summary>
public sealed class InMemoryTaskResultStore : ITaskResultStore
{
    private readonly Dictionary<string, (int Attempt, JsonElement Document)> documents = new(StringComparer.Ordinal);

    public Task<bool> SaveAsync(string taskName, int attempt, JsonElement document, CancellationToken cancellationToken)
    {
        lock (documents)
        {
            if (documents.TryGetValue(taskName, out var stored) && stored.Attempt > attempt)
                return Task.FromResult(false);
            documents[taskName] = (attempt, document);
            return Task.FromResult(true);
        }
    }

    public Task<JsonElement?> GetAsync(string taskName, CancellationToken cancellationToken)
    {
        lock (documents)
            return Task.FromResult(documents.TryGetValue(taskName, out var stored) ? stored.Document : (JsonElement?)null);
    }
}
