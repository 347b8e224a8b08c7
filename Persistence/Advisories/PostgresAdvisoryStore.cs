using System.Text.Json;
using Cucos.Sdk;
using Npgsql;
using NpgsqlTypes;

namespace Cucos.Persistence.Advisories;

/// <summary>The advisory store of the PostgreSQL profile: tables <c>cucos_advisories</c>, <c>cucos_advisory_packages</c> and <c>cucos_advisory_imports</c> (migration 0010).</summary>
public sealed class PostgresAdvisoryStore(NpgsqlDataSource database) : IAdvisoryStore
{
    public async Task<AdvisoryUpsertCounts> UpsertAsync(string importId, IReadOnlyList<StoredAdvisory> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        // One id once per batch, its newest version: a batch naming an id twice would conflict with itself.
        var rows = records.GroupBy(r => r.Id, StringComparer.Ordinal).Select(g => g.MaxBy(r => r.Modified)!).ToList();
        if (rows.Count == 0)
            return new AdvisoryUpsertCounts(0, 0, 0);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var changed = new List<(string Id, bool Inserted)>();
        // Only a newer modified replaces a row; the replaced record is kept for the refresh's before/after comparison.
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO cucos_advisories AS a (id, modified, withdrawn, record, changed_in)
            SELECT i, m, w, r::jsonb, @import FROM unnest(@ids, @modified, @withdrawn, @records) AS u(i, m, w, r)
            ON CONFLICT (id) DO UPDATE SET modified = EXCLUDED.modified, withdrawn = EXCLUDED.withdrawn, record = EXCLUDED.record,
                previous_record = a.record, changed_in = EXCLUDED.changed_in, changed_at = now()
            WHERE EXCLUDED.modified > a.modified
            RETURNING id, xmax = 0
            """, connection, transaction))
        {
            upsert.Parameters.AddWithValue("import", importId);
            upsert.Parameters.AddWithValue("ids", rows.Select(r => r.Id).ToArray());
            upsert.Parameters.Add(new NpgsqlParameter("modified", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = rows.Select(r => r.Modified.UtcDateTime).ToArray() });
            upsert.Parameters.Add(new NpgsqlParameter("withdrawn", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = rows.Select(r => r.Withdrawn?.UtcDateTime).ToArray() });
            upsert.Parameters.AddWithValue("records", rows.Select(r => r.Json).ToArray());
            await using var reader = await upsert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                changed.Add((reader.GetString(0), reader.GetBoolean(1)));
        }
        if (changed.Count > 0)
        {
            var byId = rows.ToDictionary(r => r.Id, StringComparer.Ordinal);
            var keys = changed.SelectMany(c => byId[c.Id].Packages.Distinct().Select(p => (c.Id, p.Ecosystem, p.NormalisedName))).ToList();
            await using var packages = new NpgsqlCommand("""
                DELETE FROM cucos_advisory_packages WHERE id = ANY(@changed);
                INSERT INTO cucos_advisory_packages (ecosystem, normalised_name, id)
                SELECT e, n, i FROM unnest(@ecosystems, @names, @ids) AS u(e, n, i) ON CONFLICT DO NOTHING;
                """, connection, transaction);
            packages.Parameters.AddWithValue("changed", changed.Select(c => c.Id).ToArray());
            packages.Parameters.AddWithValue("ecosystems", keys.Select(k => k.Ecosystem).ToArray());
            packages.Parameters.AddWithValue("names", keys.Select(k => k.NormalisedName).ToArray());
            packages.Parameters.AddWithValue("ids", keys.Select(k => k.Id).ToArray());
            await packages.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        var inserted = changed.Count(c => c.Inserted);
        return new AdvisoryUpsertCounts(inserted, changed.Count - inserted, rows.Count - changed.Count);
    }

    public async Task RecordImportAsync(AdvisoryImportRecord import, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(import);
        await using var command = database.CreateCommand("""
            INSERT INTO cucos_advisory_imports (import_id, source, parts, records, inserted, updated, unchanged, withdrawn, skipped, messages, started_at, finished_at)
            VALUES (@id, @source, @parts::jsonb, @records, @inserted, @updated, @unchanged, @withdrawn, @skipped, @messages::jsonb, @started, @finished)
            ON CONFLICT (import_id) DO UPDATE SET parts = EXCLUDED.parts, records = EXCLUDED.records, inserted = cucos_advisory_imports.inserted + EXCLUDED.inserted,
                updated = cucos_advisory_imports.updated + EXCLUDED.updated, unchanged = EXCLUDED.unchanged, withdrawn = EXCLUDED.withdrawn,
                skipped = EXCLUDED.skipped, messages = EXCLUDED.messages, finished_at = EXCLUDED.finished_at
            """);
        command.Parameters.AddWithValue("id", import.ImportId);
        command.Parameters.AddWithValue("source", import.Source);
        command.Parameters.AddWithValue("parts", JsonSerializer.Serialize(import.Parts.Select(p => new { name = p.Name, digest = p.Digest })));
        command.Parameters.AddWithValue("records", import.Records);
        command.Parameters.AddWithValue("inserted", import.Inserted);
        command.Parameters.AddWithValue("updated", import.Updated);
        command.Parameters.AddWithValue("unchanged", import.Unchanged);
        command.Parameters.AddWithValue("withdrawn", import.Withdrawn);
        command.Parameters.AddWithValue("skipped", import.Skipped);
        command.Parameters.AddWithValue("messages", JsonSerializer.Serialize(import.Messages));
        command.Parameters.AddWithValue("started", import.StartedAt.UtcDateTime);
        command.Parameters.AddWithValue("finished", import.FinishedAt.UtcDateTime);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<AdvisoryImportRecord?> LastImportAsync(string source, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("""
            SELECT import_id, source, parts::text, records, inserted, updated, unchanged, withdrawn, skipped, messages::text, started_at, finished_at
            FROM cucos_advisory_imports WHERE source = @source ORDER BY finished_at DESC LIMIT 1
            """);
        command.Parameters.AddWithValue("source", source);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            return null;
        var parts = JsonSerializer.Deserialize<List<Dictionary<string, string>>>(reader.GetString(2))!
            .Select(p => new AdvisoryPart(p["name"], p["digest"])).ToList();
        return new AdvisoryImportRecord(reader.GetString(0), reader.GetString(1), parts, reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5),
            reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8), JsonSerializer.Deserialize<List<string>>(reader.GetString(9))!,
            reader.GetFieldValue<DateTimeOffset>(10), reader.GetFieldValue<DateTimeOffset>(11));
    }

    public async Task<IReadOnlyList<string>> FindAsync(string osvEcosystem, IReadOnlyCollection<string> normalisedNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(normalisedNames);
        await using var command = database.CreateCommand("""
            SELECT DISTINCT a.id, a.record::text FROM cucos_advisory_packages p JOIN cucos_advisories a ON a.id = p.id
            WHERE p.ecosystem = @ecosystem AND p.normalised_name = ANY(@names) AND a.withdrawn IS NULL
            """);
        command.Parameters.AddWithValue("ecosystem", osvEcosystem);
        command.Parameters.AddWithValue("names", normalisedNames.ToArray());
        var found = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            found.Add(reader.GetString(1));
        return found;
    }

    public async Task<IReadOnlyList<AdvisoryChange>> ChangesAsync(string importId, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT id, previous_record::text, record::text FROM cucos_advisories WHERE changed_in = @import ORDER BY id");
        command.Parameters.AddWithValue("import", importId);
        var changes = new List<AdvisoryChange>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            changes.Add(new AdvisoryChange(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2)));
        return changes;
    }
}
