using System.Collections.Concurrent;
using System.Text;
using Cucos.Grains.Listing;
using Cucos.Messages;
using Cucos.State;
using Npgsql;

namespace Cucos.Persistence.Listing;

/// <summary>
/// The cluster-wide list in the PostgreSQL profile: one query over <c>cucos_analyses</c> (migration 0007, filled by
/// triggers on the analysis state rows), newest first, a keyset page after the cursor, so a page costs the same at
/// the millionth analysis as at the first.
/// </summary>
/// <param name="clock">The silo's clock, which dates the shared counts.</param>
/// <param name="countsMaxAge">How long a count is answered again without asking the database (<see cref="DefaultCountsMaxAge"/>).</param>
public sealed class PostgresAnalysisListing(NpgsqlDataSource database, string serviceId, TimeProvider? clock = null, TimeSpan? countsMaxAge = null) : IAnalysisListing
{
    /// <summary>The age up to which status counts are shared by the callers of a silo.</summary>
    public static readonly TimeSpan DefaultCountsMaxAge = TimeSpan.FromSeconds(5);

    // Enough for every filter a handful of open list pages use; a silo asked for more starts over.
    private const int MaxSharedCounts = 256;

    // A count with no package or time filter reads every row's status (half a second at a million analyses,
    // docs/benchmarks.md), and each open list page of the web UI asks for it every few seconds: a count younger than
    // countsMaxAge is answered to every caller of this silo, and callers arriving while it runs wait for that one.
    private readonly ConcurrentDictionary<(string? Ecosystem, string? Name, DateTimeOffset? Since, DateTimeOffset? Until), (DateTimeOffset At, Task<AnalysisStatusCounts> Counts)> sharedCounts = new();
    private readonly TimeProvider time = clock ?? TimeProvider.System;
    private readonly TimeSpan maxAge = countsMaxAge ?? DefaultCountsMaxAge;

    public async Task<AnalysisListPage> ListAsync(AnalysisListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, AnalysisListQuery.MaxLimit);
        await using var command = database.CreateCommand();
        var sql = new StringBuilder("SELECT analysis_id, ecosystem, name, version, status, created_at, finished_at FROM cucos_analyses");
        AppendFilters(sql, command, query, withStatus: true);
        if (query.After is { } after)
        {
            sql.Append(" AND (created_at, analysis_id) < (@after_at, @after_id)");
            command.Parameters.AddWithValue("after_at", after.CreatedAt.ToUniversalTime());
            command.Parameters.AddWithValue("after_id", after.AnalysisId);
        }
        sql.Append(" ORDER BY created_at DESC, analysis_id DESC LIMIT @limit");
        command.Parameters.AddWithValue("limit", limit + 1);
        command.CommandText = sql.ToString();

        var page = new List<AnalysisListEntry>(limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                page.Add(new AnalysisListEntry
                {
                    AnalysisId = reader.GetString(0),
                    Ecosystem = reader.GetString(1),
                    Name = reader.GetString(2),
                    Version = reader.GetString(3),
                    Status = Enum.TryParse<AnalysisStatus>(reader.GetString(4), out var stored) ? stored : AnalysisStatus.Running,
                    CreatedAt = reader.GetFieldValue<DateTimeOffset>(5),
                    FinishedAt = reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                });
        var more = page.Count > limit;
        if (more)
            page.RemoveAt(limit);
        return new AnalysisListPage { Analyses = page, Next = more ? page[^1].Position : null };
    }

    public Task<AnalysisStatusCounts> CountAsync(AnalysisListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var key = (query.Ecosystem, query.Name, query.Since, query.Until);
        var now = time.GetUtcNow();
        if (sharedCounts.TryGetValue(key, out var shared) && now - shared.At < maxAge && !shared.Counts.IsFaulted && !shared.Counts.IsCanceled)
            return shared.Counts.WaitAsync(cancellationToken);
        if (sharedCounts.Count >= MaxSharedCounts)
            sharedCounts.Clear();
        // Not cancelled by this caller: others may be waiting for the same count.
        var counting = CountNowAsync(query, CancellationToken.None);
        sharedCounts[key] = (now, counting);
        return counting.WaitAsync(cancellationToken);
    }

    private async Task<AnalysisStatusCounts> CountNowAsync(AnalysisListQuery query, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand();
        // One pass per query: with no package filter it reads the status index (service_id, status, ...) only.
        var sql = new StringBuilder("SELECT status, count(*) FROM cucos_analyses");
        AppendFilters(sql, command, query, withStatus: false);
        sql.Append(" GROUP BY status");
        command.CommandText = sql.ToString();
        var counts = Enum.GetValues<AnalysisStatus>().ToDictionary(status => status, _ => 0L);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                if (Enum.TryParse<AnalysisStatus>(reader.GetString(0), out var status))
                    counts[status] += reader.GetInt64(1);
        return new AnalysisStatusCounts { Counts = counts };
    }

    /// <summary>The WHERE clause of the list and the counts: only the filters given.</summary>
    private void AppendFilters(StringBuilder sql, NpgsqlCommand command, AnalysisListQuery query, bool withStatus)
    {
        sql.Append(" WHERE service_id = @service");
        command.Parameters.AddWithValue("service", serviceId);
        // Only the filters given: a fixed "@x IS NULL OR ..." would keep the planner from the matching index.
        if (withStatus && query.Status is { } status)
        {
            sql.Append(" AND status = @status");
            command.Parameters.AddWithValue("status", status.ToString());
        }
        if (query.Ecosystem is { } ecosystem)
        {
            sql.Append(" AND ecosystem = @ecosystem");
            command.Parameters.AddWithValue("ecosystem", ecosystem);
        }
        if (query.Name is { } name)
        {
            sql.Append(" AND name = @name");
            command.Parameters.AddWithValue("name", name);
        }
        if (query.Since is { } since)
        {
            sql.Append(" AND created_at >= @since");
            command.Parameters.AddWithValue("since", since.ToUniversalTime());
        }
        if (query.Until is { } until)
        {
            sql.Append(" AND created_at < @until");
            command.Parameters.AddWithValue("until", until.ToUniversalTime());
        }
    }
}
