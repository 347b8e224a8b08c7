using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cucos.Silo.Health;

/// <summary>
/// While the silo waits for its database at start-up (Orleans cannot start without it), a small web host of its own
/// on the silo's HTTP port answers the probes: <c>/health/live</c> 200, since the process is alive and retrying, and
/// <c>/health/ready</c> 503 saying what it waits for. Without it a pod's liveness probe would find nothing listening
/// and restart a silo that is only waiting. It stops before the silo's own web host takes the port.
/// </summary>
public sealed class StartupHealth : IAsyncDisposable
{
    private readonly WebApplication app;

    private StartupHealth(WebApplication app) => this.app = app;

    public static async Task<StartupHealth> StartAsync(int port, Func<string> waitingFor, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port));
        builder.Services.AddHealthChecks().AddCheck("database", () => HealthCheckResult.Unhealthy(waitingFor()), tags: [CucosHealth.Ready]);
        var app = builder.Build();
        app.MapCucosHealth();
        await app.StartAsync(cancellationToken);
        return new StartupHealth(app);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
