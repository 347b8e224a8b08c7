using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cucos.Silo.Health;

/// <summary>
/// <c>/health/live</c>: the process answers (no check runs), always 200 while it runs. <c>/health/ready</c>: 200 only when
/// the silo is active in the cluster and, in the PostgreSQL profile, the database answers; otherwise 503 naming what is not ready.
/// </summary>
public static class CucosHealth
{
    /// <summary>The tag of the checks /health/ready runs.</summary>
    public const string Ready = "ready";

    public static IServiceCollection AddCucosHealth(this IServiceCollection services, string? postgresConnection)
    {
        var checks = services.AddHealthChecks().AddCheck<SiloActiveHealthCheck>("silo", tags: [Ready]);
        if (postgresConnection is not null)
            checks.AddCheck("database", new DatabaseHealthCheck(postgresConnection), tags: [Ready]);
        return services;
    }

    public static WebApplication MapCucosHealth(this WebApplication app)
    {
        app.MapHealthChecks(ProbeEndpoints.Liveness, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .ExcludeFromDescription().AllowAnonymous();
        app.MapHealthChecks(ProbeEndpoints.Readiness, new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready), ResponseWriter = WriteAsync })
            .ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    /// <summary>{"status": "unhealthy", "checks": {"database": {"status": "unhealthy", "description": "..."}}}: what is not ready, and why.</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var body = new Dictionary<string, object>
        {
            ["status"] = Word(report.Status),
            ["checks"] = report.Entries.ToDictionary(e => e.Key, e => new Dictionary<string, object?>
            {
                ["status"] = Word(e.Value.Status),
                ["description"] = e.Value.Description,
                ["duration_ms"] = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    private static string Word(HealthStatus status) => status.ToString().ToLowerInvariant();
}
