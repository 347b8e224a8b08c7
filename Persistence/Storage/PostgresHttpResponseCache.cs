using Cucos.Sdk;
using Npgsql;

namespace Cucos.Persistence.Storage;

/// <summary>The PostgreSQL profile's <see cref="IHttpResponseCache"/>: the <c>cucos_http_cache</c> table (migration 0008).</summary>
public sealed class PostgresHttpResponseCache(string connectionString) : IHttpResponseCache, IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);

    public async Task<CachedHttpResponse?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT etag, body, link FROM cucos_http_cache WHERE cache_key = $1");
        command.Parameters.AddWithValue(key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            return null;
        return new CachedHttpResponse(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    public async Task SetAsync(string key, CachedHttpResponse response, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO cucos_http_cache (cache_key, etag, body, link, stored_at) VALUES ($1, $2, $3, $4, now())
            ON CONFLICT (cache_key) DO UPDATE SET etag = excluded.etag, body = excluded.body, link = excluded.link, stored_at = now()
            """);
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(response.ETag);
        command.Parameters.AddWithValue(response.Body);
        command.Parameters.AddWithValue((object?)response.Link ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
