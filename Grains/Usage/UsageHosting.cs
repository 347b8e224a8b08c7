using Cucos.Usage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Cucos.Grains.Usage;

public static partial class UsageHosting
{
    /// <summary>
    /// The usage refresh's services: its settings, the BigQuery client, and in-memory figures and dependents that the
    /// PostgreSQL profile replaces with its tables. When a service account is configured, each silo's start makes sure
    /// every configured ecosystem's refresh grain has its daily reminder (idempotent; the grain runs on one silo).
    /// </summary>
    public static ISiloBuilder AddCucosUsage(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton(sp => UsageSettings.From(sp.GetService<IConfiguration>()));
        silo.Services.TryAddSingleton<BigQueryClients>();
        silo.Services.TryAddSingleton<IUsageStore, InMemoryUsageStore>();
        silo.Services.TryAddSingleton<IDependentsIndex, InMemoryDependentsIndex>();
        return silo.AddStartupTask(async (services, cancellationToken) =>
        {
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(UsageHosting));
            try
            {
                var settings = services.GetRequiredService<UsageSettings>();
                if (!settings.Enabled)
                    return;
                var grains = services.GetRequiredService<IGrainFactory>();
                foreach (var ecosystem in settings.Ecosystems)
                    await grains.GetGrain<IUsageRefreshGrain>(ecosystem).EnsureScheduledAsync();
            }
            catch (Exception exception) when (exception is UsageConfigurationException or OrleansException or TimeoutException)
            {
                // A bad setting must not stop the silo: the analyses run, the usage worker says it has no figures.
                LogNotScheduled(logger, exception.Message);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "usage refreshes are not scheduled: {Reason}")]
    private static partial void LogNotScheduled(ILogger logger, string reason);
}
