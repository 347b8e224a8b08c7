using Cucos.Advisories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Cucos.Grains.Advisories;

public static partial class AdvisoryHosting
{
    /// <summary>
    /// The advisory refresh: its settings, and on each silo's start the reminder of every source the silo's refresher
    /// names (a directory kept in the PostgreSQL store); idempotent, and each source's grain runs on one silo.
    /// </summary>
    public static ISiloBuilder AddCucosAdvisoryRefresh(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton(sp => AdvisoryRefreshSettings.From(sp.GetService<IConfiguration>()));
        return silo.AddStartupTask(async (services, cancellationToken) =>
        {
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdvisoryHosting));
            try
            {
                if (services.GetService<IAdvisoryRefresher>() is not { } refresher)
                    return;
                var grains = services.GetRequiredService<IGrainFactory>();
                foreach (var source in refresher.Sources)
                    await grains.GetGrain<IAdvisoryRefreshGrain>(source).EnsureScheduledAsync();
            }
            catch (Exception exception) when (exception is AdvisoryRefreshConfigurationException or OrleansException or TimeoutException or Cucos.Sdk.FatalTaskException)
            {
                // A bad setting must not stop the silo: analyses run, security_issues says what is wrong.
                LogNotScheduled(logger, exception.Message);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "advisory refreshes are not scheduled: {Reason}")]
    private static partial void LogNotScheduled(ILogger logger, string reason);
}
