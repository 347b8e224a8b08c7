using System.Collections.Concurrent;

namespace Cucos.Sdk;

/// <summary>A response kept for a conditional request: the validator to send back and what it validated.</summary>
/// <param name="ETag">The <c>ETag</c> the server gave, sent back as <c>If-None-Match</c>.</param>
/// <param name="Body">The response body (JSON text).</param>
/// <param name="Link">The <c>Link</c> header, for APIs that page with it; null when there was none.</param>
public sealed record CachedHttpResponse(string ETag, string Body, string? Link);

/// <summary>
/// Responses of external HTTP APIs kept by their URL, so a worker asks again with <c>If-None-Match</c> and a
/// <c>304 Not Modified</c> costs it no rate limit. In memory by default; the PostgreSQL profile registers a table
/// shared by every silo. Keys never hold credentials.
/// </summary>
public interface IHttpResponseCache
{
    Task<CachedHttpResponse?> GetAsync(string key, CancellationToken cancellationToken);

    Task SetAsync(string key, CachedHttpResponse response, CancellationToken cancellationToken);
}

/// <summary>The in-memory <see cref="IHttpResponseCache"/>: at most <paramref name="capacity"/> entries, the oldest dropped first.</summary>
public sealed class InMemoryHttpResponseCache(int capacity = 10_000) : IHttpResponseCache
{
    private readonly ConcurrentDictionary<string, CachedHttpResponse> entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> order = new();

    public int Count => entries.Count;

    public Task<CachedHttpResponse?> GetAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(entries.TryGetValue(key, out var response) ? response : null);

    public Task SetAsync(string key, CachedHttpResponse response, CancellationToken cancellationToken)
    {
        if (entries.TryAdd(key, response))
            order.Enqueue(key);
        else
            entries[key] = response;
        while (entries.Count > capacity && order.TryDequeue(out var oldest))
            entries.TryRemove(oldest, out _);
        return Task.CompletedTask;
    }
}
