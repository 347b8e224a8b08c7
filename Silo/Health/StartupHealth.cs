using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cucos.Silo.Health;

/// <summary>
/// While the silo waits for its database at start-up (Orleans cannot start without it), a small web host of its own
/// on the silo's HTTP port answers the probes: <c>/health/live</c> 200, since the process is alive and retrying, and
/// <c>/health/ready</c> 503 saying what it waits for. Without it a pod's liveness probe would find nothing listening
/// and restart a silo that is only waiting. Every other path (the API) answers 503 with a problem document and a
/// <c>Retry-After</c>, so a client tries again or another silo: an empty 404 would read as "no such analysis" or
/// "no such route". It stops before the silo's own web host takes the port.
/// </summary>
public sealed class StartupHealth : IAsyncDisposable
{
    /// <summary>What a refused request is told to wait before trying again.</summary>
    public const int RetryAfterSeconds = 5;

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
        // "{**path}": the default fallback pattern skips paths that look like file names, and package versions have dots.
        app.MapFallback("{**path}", context =>
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Problem(
                title: "The silo is starting.",
                detail: $"The silo is not serving requests yet: {waitingFor()} Try again in a few seconds, or another silo.",
                statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
        });
        await app.StartAsync(cancellationToken);
        return new StartupHealth(app);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
