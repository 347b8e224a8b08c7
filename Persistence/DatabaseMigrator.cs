using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Cucos.Persistence;

/// <summary>What <see cref="DatabaseMigrator.MigrateAsync"/> did.</summary>
public sealed record MigrationReport(IReadOnlyList<Migration> Applied, int SchemaVersion);

/// <summary>Why a database cannot be used; only an unreachable server may come right by waiting.</summary>
public enum DatabaseProblem
{
    Unreachable,
    BadConnectionString,
    Credentials,
    MissingDatabase,
    SchemaOutdated,
}

/// <summary>A database the silo cannot use, with what to do about it.</summary>
public sealed class DatabaseNotReadyException(DatabaseProblem problem, string message, Exception? inner = null) : Exception(message, inner)
{
    public DatabaseProblem Problem { get; } = problem;
}

/// <summary>
/// Brings a database to the newest schema. Each migration runs in its own transaction and is recorded in
/// <c>cucos_schema_migrations</c>; an advisory lock makes concurrent migrators (two silos starting) take turns.
/// Running it again applies nothing.
/// </summary>
public sealed class DatabaseMigrator(string connectionString, ILogger? logger = null)
{
    // An arbitrary constant naming the lock that serialises migrators on one database.
    private const long MigrationLock = 0x437563_6F73_4D67;
    private const string HistoryTable = "cucos_schema_migrations";
    private readonly ILogger log = logger ?? NullLogger.Instance;

    public static int NewestVersion => Migration.All.Count == 0 ? 0 : Migration.All[^1].Version;

    public Task<MigrationReport> MigrateAsync(CancellationToken cancellationToken = default) => MigrateAsync(int.MaxValue, cancellationToken);

    /// <summary>Applies the migrations up to <paramref name="upToVersion"/>: tests make rows of an older schema this way.</summary>
    public async Task<MigrationReport> MigrateAsync(int upToVersion, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(connectionString, cancellationToken);
        var applied = new List<Migration>();
        // A session lock for the whole run: even creating the history table races between two migrators.
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({MigrationLock})", connection))
            await take.ExecuteNonQueryAsync(cancellationToken);
        try
        {
            await ApplyAsync(connection, applied, upToVersion, cancellationToken);
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({MigrationLock})", connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
        return new MigrationReport(applied, await SchemaVersionAsync(connection, cancellationToken));
    }

    private async Task ApplyAsync(NpgsqlConnection connection, List<Migration> applied, int upToVersion, CancellationToken cancellationToken)
    {
        await using (var setup = new NpgsqlCommand(
            $"CREATE TABLE IF NOT EXISTS {HistoryTable} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
            connection))
            await setup.ExecuteNonQueryAsync(cancellationToken);

        foreach (var migration in Migration.All.Where(m => m.Version <= upToVersion))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var check = new NpgsqlCommand($"SELECT 1 FROM {HistoryTable} WHERE version = @version", connection, transaction))
            {
                check.Parameters.AddWithValue("version", migration.Version);
                if (await check.ExecuteScalarAsync(cancellationToken) is not null)
                    continue;
            }
            if (migration.Sql.Length > 0)
            {
                await using var apply = new NpgsqlCommand(migration.Sql, connection, transaction);
                await apply.ExecuteNonQueryAsync(cancellationToken);
            }
            if (migration.Code is { } code)
                await code(connection, transaction, cancellationToken);
            await using (var record = new NpgsqlCommand($"INSERT INTO {HistoryTable} (version, name) VALUES (@version, @name)", connection, transaction))
            {
                record.Parameters.AddWithValue("version", migration.Version);
                record.Parameters.AddWithValue("name", migration.Name);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            applied.Add(migration);
            log.MigrationApplied(migration.Version, migration.Name);
        }
    }

    /// <summary>The schema version of the database, or 0 when it was never migrated.</summary>
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(connectionString, cancellationToken);
        return await SchemaVersionAsync(connection, cancellationToken);
    }

    /// <summary>Throws <see cref="DatabaseNotReadyException"/> unless the database is reachable and fully migrated.</summary>
    public async Task EnsureReadyAsync(CancellationToken cancellationToken = default)
    {
        var version = await GetSchemaVersionAsync(cancellationToken);
        if (version < NewestVersion)
            throw new DatabaseNotReadyException(DatabaseProblem.SchemaOutdated,
                $"the database {Describe(connectionString)} has schema version {version}, and this version of Cucos needs {NewestVersion}. " +
                "Run 'cucos migrate --postgres <connection>' (or start the silo with Cucos:Postgres:Migrate=true).");
    }

    private static async Task<int> SchemaVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand($"SELECT to_regclass('{HistoryTable}') IS NOT NULL", connection))
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
                return 0;
        await using var command = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {HistoryTable}", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>Opens a connection, turning the usual failures into a sentence that names the server and what to check.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException exception)
        {
            throw new DatabaseNotReadyException(DatabaseProblem.BadConnectionString, $"the PostgreSQL connection string is not valid: {exception.Message}. Example: Host=127.0.0.1;Port=5432;Username=cucos;Password=...;Database=cucos", exception);
        }
        var connection = new NpgsqlConnection(settings.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception exception) when (exception is NpgsqlException or SocketException or TimeoutException)
        {
            await connection.DisposeAsync();
            var where = Describe(connectionString);
            throw (exception as PostgresException)?.SqlState switch
            {
                "28P01" or "28000" => new DatabaseNotReadyException(DatabaseProblem.Credentials, $"PostgreSQL {where} refused the credentials of user '{settings.Username}': check the user name and password.", exception),
                "3D000" => new DatabaseNotReadyException(DatabaseProblem.MissingDatabase, $"PostgreSQL {where} has no database '{settings.Database}': create it, then run 'cucos migrate'.", exception),
                _ => new DatabaseNotReadyException(DatabaseProblem.Unreachable, $"cannot reach PostgreSQL {where}: {exception.Message}. Check that the server runs, the host and port are right, and a firewall lets the connection through.", exception),
            };
        }
    }

    /// <summary>host:port/database, never the password.</summary>
    public static string Describe(string connectionString)
    {
        try
        {
            var settings = new NpgsqlConnectionStringBuilder(connectionString);
            return $"at {settings.Host}:{settings.Port}/{settings.Database}";
        }
        catch (ArgumentException)
        {
            return "(unparsable connection string)";
        }
    }
}
