using System.Text.Json;

namespace Cucos.Orleans.Sdk;

/// <summary>Where an analysis' result documents live, keyed by task name.</summary>
public interface ITaskResultStore
{
    Task SaveAsync(string taskName, JsonElement document, CancellationToken cancellationToken);

    /// <summary>The stored document of <paramref name="taskName"/>, or null when it has none.</summary>
    Task<JsonElement?> GetAsync(string taskName, CancellationToken cancellationToken);
}

/// <summary>Results kept in memory: for running a worker alone, with no cluster or database.</summary>
public sealed class InMemoryTaskResultStore : ITaskResultStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonElement> documents = new();

    public IReadOnlyDictionary<string, JsonElement> Documents => documents;

    public Task SaveAsync(string taskName, JsonElement document, CancellationToken cancellationToken)
    {
        documents[taskName] = document;
        return Task.CompletedTask;
    }

    public Task<JsonElement?> GetAsync(string taskName, CancellationToken cancellationToken) =>
        Task.FromResult(documents.TryGetValue(taskName, out var document) ? document : (JsonElement?)null);
}
