using System.Net.Sockets;
using Npgsql;

namespace Cucos.Persistence.Storage;

/// <summary>
/// Turns PostgreSQL's failures into <see cref="StorageUnavailableException"/> where they leave our providers, so they
/// cross Orleans to the caller with their reason and whether to try again.
/// </summary>
internal static class StorageFailures
{
    public static bool IsDatabaseFailure(Exception exception) => exception is NpgsqlException or SocketException;

    public static StorageUnavailableException From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        // Npgsql knows which of its failures are worth a retry: a broken connection, a server shutting down or
        // starting up, a serialisation conflict. A socket error on the way in is the same thing earlier.
        var transient = exception is SocketException || (exception is NpgsqlException npgsql && npgsql.IsTransient);
        var reason = exception is PostgresException postgres ? $"{postgres.SqlState}: {postgres.MessageText}" : exception.Message;
        return new StorageUnavailableException(
            transient
                ? $"the database is not reachable just now ({reason}); the call may be tried again in a few seconds."
                : $"the database refused the statement ({reason}).",
            transient);
    }
}
