using Cucos.Usage;
using Npgsql;

namespace Cucos.Persistence.Usage;

/// <summary>The usage figures of the PostgreSQL profile: tables <c>cucos_usage</c> and <c>cucos_usage_refresh</c> (migration 0009).</summary>
public sealed class PostgresUsageStore(NpgsqlDataSource database, string serviceId) : IUsageStore
{
    public async Task SavePageAsync(string ecosystem, string refreshId, IReadOnlyList<UsageCount> counts, CancellationToken cancellationToken)
    {
        if (counts.Count == 0)
            return;
        // One statement per page: the rows travel as arrays; a page stored again (after a crash) overwrites itself.
        await using var command = database.CreateCommand("""
            INSERT INTO cucos_usage (service_id, ecosystem, refresh_id, package_key, package, repositories)
            SELECT @service, @ecosystem, @refresh, k, p, r
            FROM unnest(@keys, @packages, @repositories) AS u(k, p, r)
            ON CONFLICT (service_id, ecosystem, refresh_id, package_key) DO UPDATE SET package = EXCLUDED.package, repositories = EXCLUDED.repositories
            """);
        // A page may name a package twice in different case: the last one counts, as in memory.
        var rows = counts.GroupBy(c => UsagePercentiles.Key(c.Package)).Select(g => (Key: g.Key, Row: g.Last())).ToList();
        command.Parameters.AddWithValue("service", serviceId);
        command.Parameters.AddWithValue("ecosystem", ecosystem);
        command.Parameters.AddWithValue("refresh", refreshId);
        command.Parameters.AddWithValue("keys", rows.Select(r => r.Key).ToArray());
        command.Parameters.AddWithValue("packages", rows.Select(r => r.Row.Package).ToArray());
        command.Parameters.AddWithValue("repositories", rows.Select(r => r.Row.Repositories).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<UsageRefreshSummary> PublishAsync(string ecosystem, string refreshId, DateTimeOffset refreshedAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    UPDATE cucos_usage u SET percentile = ranked.percentile
                    FROM (SELECT package_key, round((100 * percent_rank() OVER (ORDER BY repositories))::numeric, 2)::double precision AS percentile
                          FROM cucos_usage WHERE service_id = $1 AND ecosystem = $2 AND refresh_id = $3) ranked
                    WHERE u.service_id = $1 AND u.ecosystem = $2 AND u.refresh_id = $3 AND u.package_key = ranked.package_key
                    """),
                new NpgsqlBatchCommand("DELETE FROM cucos_usage WHERE service_id = $1 AND ecosystem = $2 AND refresh_id <> $3"),
                new NpgsqlBatchCommand("""
                    INSERT INTO cucos_usage_refresh (service_id, ecosystem, refresh_id, refreshed_at, packages)
                    SELECT $1, $2, $3, $4, count(*) FROM cucos_usage WHERE service_id = $1 AND ecosystem = $2 AND refresh_id = $3
                    ON CONFLICT (service_id, ecosystem) DO UPDATE SET refresh_id = EXCLUDED.refresh_id, refreshed_at = EXCLUDED.refreshed_at, packages = EXCLUDED.packages
                    RETURNING packages
                    """),
            },
        };
        foreach (var command in batch.BatchCommands)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = serviceId });
            command.Parameters.Add(new NpgsqlParameter { Value = ecosystem });
            command.Parameters.Add(new NpgsqlParameter { Value = refreshId });
        }
        batch.BatchCommands[2].Parameters.Add(new NpgsqlParameter { Value = refreshedAt.ToUniversalTime() });
        var packages = (long)(await batch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? 0L);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new UsageRefreshSummary(ecosystem, refreshedAt, packages);
    }

    public async Task<UsageFigure?> GetAsync(string ecosystem, string package, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT u.package, u.repositories, u.percentile, r.refreshed_at, r.packages
            FROM cucos_usage_refresh r
            JOIN cucos_usage u ON u.service_id = r.service_id AND u.ecosystem = r.ecosystem AND u.refresh_id = r.refresh_id
            WHERE r.service_id = $1 AND r.ecosystem = $2 AND u.package_key = $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = ecosystem });
        command.Parameters.Add(new NpgsqlParameter { Value = UsagePercentiles.Key(package) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            return null;
        return new UsageFigure(ecosystem, reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? 0 : reader.GetDouble(2),
            reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt64(4));
    }

    public async Task<UsageRefreshSummary?> LatestAsync(string ecosystem, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT refreshed_at, packages FROM cucos_usage_refresh WHERE service_id = $1 AND ecosystem = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = serviceId });
        command.Parameters.Add(new NpgsqlParameter { Value = ecosystem });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new UsageRefreshSummary(ecosystem, reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt64(1))
            : null;
    }
}
