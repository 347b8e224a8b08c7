using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Orleans.Storage;

namespace Cucos.Persistence.Storage;

/// <summary>
/// Grain storage in <c>cucos_grain_state</c> (our schema) through Npgsql, with group commit: reads and writes that
/// many grains make at the same time share one round trip and one commit (<see cref="GroupCommit"/>). State is the
/// storage serializer's JSON in the <c>jsonb</c> column, so operators query it with SQL; JSON that jsonb refuses
/// (a <c>\u0000</c> escape) is kept as bytes in <c>payload_raw</c>. The ETag is the row's version: a write from a
/// stale version, or an insert of a state that exists, is refused with <see cref="InconsistentStateException"/>.
/// </summary>
/// <remarks>
/// Rows are keyed by the whole grain id in <c>grain_key</c>; the ADO.NET provider keys them its own way, so the
/// two providers do not read each other's rows: a deployment uses one.
/// </remarks>
public sealed class PostgresGrainStorage(GroupCommit commits, string serviceId, IGrainStorageSerializer serializer) : IGrainStorage, IOrderedGrainStorage
{
    /// <summary>A stored row: the JSON (or its raw bytes when jsonb could not hold it) and the row's version.</summary>
    private sealed record StoredRow(string? Json, byte[]? Raw, int Version);

    private static readonly Func<NpgsqlDataReader, StoredRow> ReadRow = reader => new StoredRow(
        reader.IsDBNull(0) ? null : reader.GetString(0),
        reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1),
        reader.GetInt32(2));

    private const string Identity = """
        grain_id_hash = @grain_hash AND state_name_hash = @state_hash AND service_id = @service AND state_name = @state
        AND grain_id_n0 = 0 AND grain_id_n1 = 0 AND grain_key = @key
        """;

    private const string ReadSql = $"SELECT payload::text, payload_raw, version FROM cucos_grain_state WHERE {Identity}";

    private const string InsertSql = """
        INSERT INTO cucos_grain_state (service_id, state_name, state_name_hash, grain_id_hash, grain_id_n0, grain_id_n1, grain_key, payload, payload_raw, version)
        VALUES (@service, @state, @state_hash, @grain_hash, 0, 0, @key, @payload, @raw, 1)
        ON CONFLICT (service_id, state_name, grain_id_n0, grain_id_n1, (coalesce(grain_key, '')), (grain_key IS NULL)) DO NOTHING
        RETURNING NULL::text, NULL::bytea, version
        """;

    private const string UpdateSql = $"""
        UPDATE cucos_grain_state SET payload = @payload, payload_raw = @raw, version = version + 1, modified_at = now()
        WHERE {Identity} AND version = @version
        RETURNING NULL::text, NULL::bytea, version
        """;

    // One statement: insert, or replace unless the stored row's order is higher. No row back means it was kept.
    private const string OrderedUpsertSql = """
        INSERT INTO cucos_grain_state (service_id, state_name, state_name_hash, grain_id_hash, grain_id_n0, grain_id_n1, grain_key, payload, payload_raw, version, write_order)
        VALUES (@service, @state, @state_hash, @grain_hash, 0, 0, @key, @payload, @raw, 1, @order)
        ON CONFLICT (service_id, state_name, grain_id_n0, grain_id_n1, (coalesce(grain_key, '')), (grain_key IS NULL)) DO UPDATE
        SET payload = EXCLUDED.payload, payload_raw = EXCLUDED.payload_raw, version = cucos_grain_state.version + 1,
            write_order = EXCLUDED.write_order, modified_at = now()
        WHERE coalesce(cucos_grain_state.write_order, 0) <= EXCLUDED.write_order
        RETURNING NULL::text, NULL::bytea, version
        """;

    private const string ClearSql = $"""
        UPDATE cucos_grain_state SET payload = NULL, payload_raw = NULL, version = version + 1, modified_at = now()
        WHERE {Identity} AND version = @version
        RETURNING NULL::text, NULL::bytea, version
        """;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var row = await commits.RunAsync(ReadSql, ReadRow, Key(stateName, grainId)).ConfigureAwait(false);
        var stored = row switch
        {
            { Json: { } json } => new BinaryData(Encoding.UTF8.GetBytes(json)),
            { Raw: { } raw } => new BinaryData(raw),
            _ => null,
        };
        grainState.ETag = row?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = stored is not null;
        if (stored is not null)
            grainState.State = serializer.Deserialize<T>(stored);
        else
            grainState.State = Activator.CreateInstance<T>();
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var parameters = Key(stateName, grainId).Concat(Payload(grainState.State));
        var version = Version(grainState.ETag);
        var row = version is null
            ? await commits.RunAsync(InsertSql, ReadRow, parameters.ToArray()).ConfigureAwait(false)
            : await commits.RunAsync(UpdateSql, ReadRow, parameters.Append(new NpgsqlParameter("version", NpgsqlDbType.Integer) { Value = version }).ToArray()).ConfigureAwait(false);
        if (row is null)
            throw Conflict("write", stateName, grainId, grainState.ETag);
        grainState.ETag = row.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task<bool> WriteUnlessNewerAsync<T>(string stateName, GrainId grainId, T state, int order)
    {
        NpgsqlParameter[] parameters = [.. Key(stateName, grainId), .. Payload(state), new("order", NpgsqlDbType.Integer) { Value = order }];
        return await commits.RunAsync(OrderedUpsertSql, ReadRow, parameters).ConfigureAwait(false) is not null;
    }

    /// <summary>The state as jsonb, or, when jsonb cannot hold it (a NUL character), verbatim as bytes.</summary>
    private NpgsqlParameter[] Payload<T>(T state)
    {
        var bytes = serializer.Serialize(state).ToMemory();
        var json = Encoding.UTF8.GetString(bytes.Span);
        var fitsJsonb = !json.Contains("\\u0000", StringComparison.Ordinal);
        return
        [
            new NpgsqlParameter("payload", NpgsqlDbType.Jsonb) { Value = fitsJsonb ? json : DBNull.Value },
            new NpgsqlParameter("raw", NpgsqlDbType.Bytea) { Value = fitsJsonb ? DBNull.Value : bytes.ToArray() },
        ];
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Version(grainState.ETag) is { } version)
        {
            var row = await commits.RunAsync(ClearSql, ReadRow, Key(stateName, grainId).Append(new NpgsqlParameter("version", NpgsqlDbType.Integer) { Value = version }).ToArray())
                .ConfigureAwait(false) ?? throw Conflict("clear", stateName, grainId, grainState.ETag);
            grainState.ETag = row.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    private NpgsqlParameter[] Key(string stateName, GrainId grainId) =>
    [
        new("service", NpgsqlDbType.Text) { Value = serviceId },
        new("state", NpgsqlDbType.Text) { Value = stateName },
        new("state_hash", NpgsqlDbType.Integer) { Value = StableHash(stateName) },
        new("grain_hash", NpgsqlDbType.Integer) { Value = unchecked((int)grainId.GetUniformHashCode()) },
        new("key", NpgsqlDbType.Text) { Value = grainId.ToString() },
    ];

    private static int? Version(string? etag) =>
        int.TryParse(etag, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) ? version : null;

    private static InconsistentStateException Conflict(string operation, string stateName, GrainId grainId, string? etag) =>
        new($"{operation} of '{stateName}' for {grainId} refused: the stored version is not {etag ?? "absent"} (another activation wrote it).", "unknown", etag ?? "none");

    /// <summary>FNV-1a of the UTF-8 name: the same in every process, unlike string.GetHashCode.</summary>
    private static int StableHash(string text)
    {
        var hash = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(text))
            hash = unchecked((hash ^ b) * 16777619);
        return unchecked((int)hash);
    }
}
