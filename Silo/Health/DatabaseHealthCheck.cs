using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Cucos.Silo.Health;

/// <summary>
/// In the PostgreSQL profile: ready only when the database answers <c>SELECT 1</c> within <see cref="Timeout"/>, on a
/// connection of its own (not pooled), so a probe sees the server as it is now and never waits behind the silo's work.
/// </summary>
public sealed class DatabaseHealthCheck(string connectionString) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly string probeConnection = new NpgsqlConnectionStringBuilder(connectionString)
    {
        Pooling = false,
        Timeout = (int)Timeout.TotalSeconds,
        CommandTimeout = (int)Timeout.TotalSeconds,
    }.ConnectionString;

    private readonly string where = Describe(connectionString);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Timeout);
        try
        {
            await using var connection = new NpgsqlConnection(probeConnection);
            await connection.OpenAsync(limit.Token);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(limit.Token);
            return HealthCheckResult.Healthy($"PostgreSQL at {where} answers.");
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException
            || exception.InnerException is System.Net.Sockets.SocketException)
        {
            var reason = exception is OperationCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : exception.Message;
            return HealthCheckResult.Unhealthy($"PostgreSQL at {where} is not reachable: {reason}. Check that the server runs and accepts connections.");
        }
    }

    private static string Describe(string connectionString)
    {
        var parts = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{parts.Host}:{parts.Port} (database {parts.Database})";
    }
}
