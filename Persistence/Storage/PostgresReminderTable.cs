using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Cucos.Persistence.Storage;

/// <summary>
/// The reminder table in <c>cucos_reminder</c> (our schema), with registrations and removals going through the
/// same <see cref="GroupCommit"/> as grain state, so the watchdog reminder every running analysis holds shares
/// commits with the analysis' own writes. Range reads (a silo taking over its part of the ring) are rare and run
/// on their own connection. The ETag is the row's version.
/// </summary>
public sealed class PostgresReminderTable(GroupCommit commits, string serviceId) : IReminderTable
{
    private const string Columns = "grain_id, reminder_name, start_time, period, version";

    private static readonly Func<NpgsqlDataReader, ReminderEntry> ReadEntry = reader => new ReminderEntry
    {
        GrainId = GrainId.Parse(reader.GetString(0)),
        ReminderName = reader.GetString(1),
        StartAt = reader.GetFieldValue<DateTime>(2),
        Period = TimeSpan.FromMilliseconds(reader.GetInt64(3)),
        ETag = reader.GetInt32(4).ToString(CultureInfo.InvariantCulture),
    };

    private sealed record Removed(bool Yes);

    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        ReadManyAsync($"SELECT {Columns} FROM cucos_reminder WHERE service_id = @service AND grain_id = @grain",
            new NpgsqlParameter("grain", NpgsqlDbType.Text) { Value = grainId.ToString() });

    public Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        // The ring is unsigned; grain_hash holds the same 32 bits as a signed integer.
        const string Hash = "(grain_hash::bigint & 4294967295)";
        var range = begin < end ? $"{Hash} > @begin AND {Hash} <= @end" : $"({Hash} > @begin OR {Hash} <= @end)";
        return ReadManyAsync($"SELECT {Columns} FROM cucos_reminder WHERE service_id = @service AND {range}",
            new NpgsqlParameter("begin", NpgsqlDbType.Bigint) { Value = (long)begin },
            new NpgsqlParameter("end", NpgsqlDbType.Bigint) { Value = (long)end });
    }

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        commits.RunAsync(
            $"SELECT {Columns} FROM cucos_reminder WHERE service_id = @service AND grain_id = @grain AND reminder_name = @name",
            ReadEntry, Row(grainId, reminderName));

    public async Task<string?> UpsertRow(ReminderEntry entry)
    {
        var parameters = Row(entry.GrainId, entry.ReminderName).Concat(
        [
            new NpgsqlParameter("start", NpgsqlDbType.TimestampTz) { Value = DateTime.SpecifyKind(entry.StartAt, DateTimeKind.Utc) },
            new NpgsqlParameter("period", NpgsqlDbType.Bigint) { Value = (long)entry.Period.TotalMilliseconds },
            new NpgsqlParameter("hash", NpgsqlDbType.Integer) { Value = unchecked((int)entry.GrainId.GetUniformHashCode()) },
        ]).ToArray();
        var stored = await commits.RunAsync("""
            INSERT INTO cucos_reminder (service_id, grain_id, reminder_name, start_time, period, grain_hash, version)
            VALUES (@service, @grain, @name, @start, @period, @hash, 0)
            ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
            SET start_time = EXCLUDED.start_time, period = EXCLUDED.period, grain_hash = EXCLUDED.grain_hash,
                version = cucos_reminder.version + 1
            RETURNING grain_id, reminder_name, start_time, period, version
            """, ReadEntry, parameters).ConfigureAwait(false);
        return stored?.ETag;
    }

    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        if (!int.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            return false;
        var removed = await commits.RunAsync("""
            DELETE FROM cucos_reminder
            WHERE service_id = @service AND grain_id = @grain AND reminder_name = @name AND version = @version
            RETURNING true
            """, reader => new Removed(reader.GetBoolean(0)),
            Row(grainId, reminderName).Append(new NpgsqlParameter("version", NpgsqlDbType.Integer) { Value = version }).ToArray()).ConfigureAwait(false);
        return removed is not null;
    }

    public async Task TestOnlyClearTable()
    {
        await using var connection = await commits.OpenConnectionAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM cucos_reminder WHERE service_id = @service", connection);
        command.Parameters.Add(new NpgsqlParameter("service", NpgsqlDbType.Text) { Value = serviceId });
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private NpgsqlParameter[] Row(GrainId grainId, string reminderName) =>
    [
        new("service", NpgsqlDbType.Text) { Value = serviceId },
        new("grain", NpgsqlDbType.Text) { Value = grainId.ToString() },
        new("name", NpgsqlDbType.Text) { Value = reminderName },
    ];

    private async Task<ReminderTableData> ReadManyAsync(string sql, params NpgsqlParameter[] parameters)
    {
        try
        {
            await using var connection = await commits.OpenConnectionAsync().ConfigureAwait(false);
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(new NpgsqlParameter("service", NpgsqlDbType.Text) { Value = serviceId });
            command.Parameters.AddRange(parameters);
            var entries = new List<ReminderEntry>();
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
                entries.Add(ReadEntry(reader));
            return new ReminderTableData(entries);
        }
        catch (Exception exception) when (StorageFailures.IsDatabaseFailure(exception))
        {
            throw StorageFailures.From(exception);
        }
    }
}
