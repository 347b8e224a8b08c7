namespace Cucos.Persistence;

/// <summary>What a silo does about its database before it starts.</summary>
public static class DatabaseStartup
{
    /// <summary>
    /// Waits until the database is reachable (retrying with backoff, saying each time what is wrong), then
    /// migrates it when asked to, then checks the schema is current. Problems waiting cannot cure (bad
    /// credentials, no such database, an outdated schema) throw <see cref="DatabaseNotReadyException"/> at once.
    /// </summary>
    public static async Task EnsureReadyAsync(
        string connectionString, bool migrate, Action<string> report, TimeSpan? maxDelay = null, CancellationToken cancellationToken = default)
    {
        var delay = TimeSpan.FromSeconds(1);
        var ceiling = maxDelay ?? TimeSpan.FromSeconds(30);
        var migrator = new DatabaseMigrator(connectionString);
        while (true)
        {
            try
            {
                if (migrate)
                {
                    var result = await migrator.MigrateAsync(cancellationToken);
                    foreach (var applied in result.Applied)
                        report($"applied migration {applied.Version:0000} {applied.Name}");
                }
                await migrator.EnsureReadyAsync(cancellationToken);
                return;
            }
            catch (DatabaseNotReadyException exception) when (exception.Problem == DatabaseProblem.Unreachable)
            {
                report($"{exception.Message} Trying again in {delay.TotalSeconds:0} s.");
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(ceiling.Ticks, delay.Ticks * 2));
            }
        }
    }
}
