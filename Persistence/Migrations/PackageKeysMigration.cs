using Npgsql;
using NpgsqlTypes;

namespace Cucos.Persistence.Migrations;

/// <summary>
/// Migration 0006: package grains move to the unambiguous keys of <see cref="GrainKeys.Package"/>. The old key
/// <c>ecosystem:name:version</c> cannot be split back (Maven names hold ':'), so each listed analysis is filed under
/// the key of the request stored with that analysis; a row that held two packages' analyses becomes two rows. The
/// grain id hash is Orleans' own, hence a step in code. Rows of the ADO.NET provider are keyed its own way and left alone.
/// </summary>
internal static class PackageKeysMigration
{
    public static Migration Migration { get; } = new(6, "package_keys", "", RekeyAsync);

    // Each package row with its analyses in order, and the package each analysis's stored request names.
    private const string ListSql = $"""
        SELECT p.service_id, p.grain_key, p.state_name_hash, a.id,
               r.payload->'Analysis'->'Request'->>'Ecosystem', r.payload->'Analysis'->'Request'->>'Name', r.payload->'Analysis'->'Request'->>'Version'
        FROM cucos_grain_state p
        CROSS JOIN LATERAL jsonb_array_elements_text(p.payload->'Analyses') WITH ORDINALITY AS a(id, position)
        LEFT JOIN cucos_grain_state r
               ON r.service_id = p.service_id AND r.state_name = '{StateNames.Analysis}' AND r.payload->'Analysis'->>'AnalysisId' = a.id
        WHERE p.state_name = '{StateNames.Package}' AND p.grain_id_n0 = 0 AND p.grain_id_n1 = 0
          AND jsonb_typeof(p.payload->'Analyses') = 'array'
        ORDER BY p.service_id, p.grain_key, a.position
        """;

    private const string DeleteSql = $"DELETE FROM cucos_grain_state WHERE service_id = @service AND state_name = '{StateNames.Package}' AND grain_id_n0 = 0 AND grain_id_n1 = 0 AND grain_key = @key";

    // Two old rows can map to one new key only if one already had the new form: their lists are joined.
    private const string InsertSql = $$"""
        INSERT INTO cucos_grain_state (service_id, state_name, state_name_hash, grain_id_hash, grain_id_n0, grain_id_n1, grain_key, payload, version)
        VALUES (@service, '{{StateNames.Package}}', @state_hash, @grain_hash, 0, 0, @key, jsonb_build_object('Analyses', @analyses::jsonb), 1)
        ON CONFLICT (service_id, state_name, grain_id_n0, grain_id_n1, (coalesce(grain_key, '')), (grain_key IS NULL)) DO UPDATE
        SET payload = jsonb_set(cucos_grain_state.payload, '{Analyses}', (cucos_grain_state.payload->'Analyses') || EXCLUDED.payload->'Analyses'),
            version = cucos_grain_state.version + 1, modified_at = now()
        """;

    private sealed record Listed(string Service, string GrainKey, int StateHash, string AnalysisId, string? Ecosystem, string? Name, string? Version);

    private static async Task RekeyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var listed = new List<Listed>();
        await using (var list = new NpgsqlCommand(ListSql, connection, transaction))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                listed.Add(new Listed(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));

        foreach (var row in listed.GroupBy(l => (l.Service, l.GrainKey)))
        {
            var oldId = GrainId.Parse(row.Key.GrainKey);
            var oldKey = oldId.Key.ToString();
            // An analysis whose own row is gone keeps the key it was listed under.
            var byNewKey = row
                .GroupBy(l => l is { Ecosystem: { } e, Name: { } n, Version: { } v } ? GrainKeys.Package(e, n, v) : oldKey)
                .ToList();
            if (byNewKey is [{ Key: var only }] && only == oldKey)
                continue;
            await ExecuteAsync(DeleteSql, connection, transaction, cancellationToken, ("service", row.Key.Service), ("key", row.Key.GrainKey));
            foreach (var analyses in byNewKey)
            {
                var newId = GrainId.Create(oldId.Type, IdSpan.Create(analyses.Key));
                await ExecuteAsync(InsertSql, connection, transaction, cancellationToken,
                    ("service", row.Key.Service), ("key", newId.ToString()),
                    ("state_hash", row.First().StateHash), ("grain_hash", unchecked((int)newId.GetUniformHashCode())),
                    ("analyses", System.Text.Json.JsonSerializer.Serialize(analyses.Select(a => a.AnalysisId))));
            }
        }
    }

    private static async Task ExecuteAsync(string sql, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
            command.Parameters.Add(new NpgsqlParameter(name, value is int ? NpgsqlDbType.Integer : NpgsqlDbType.Text) { Value = value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
