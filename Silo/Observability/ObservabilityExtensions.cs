using Cucos.Grains.Telemetry;
using Orleans.Dashboard;
using Orleans.Hosting;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cucos.Silo.Observability;

/// <summary>
/// The silo's metrics, traces and dashboard: OpenTelemetry over our meter and activity source
/// (<see cref="CucosTelemetry"/>), Orleans' own and ASP.NET Core's and the runtime's; a Prometheus scrape endpoint;
/// OTLP export when configured; the Orleans dashboard when enabled. docs/observability.md describes them.
/// </summary>
public static class ObservabilityExtensions
{
    /// <summary>The service name in exported telemetry, unless <c>OTEL_SERVICE_NAME</c> gives another.</summary>
    public const string ServiceName = "cucos-silo";

    /// <summary>Orleans' meter (<c>orleans-*</c> instruments) and its activity sources.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";
    public const string OrleansActivitySources = "Microsoft.Orleans.*";

    public static WebApplicationBuilder AddCucosObservability(this WebApplicationBuilder builder, ObservabilitySettings settings)
    {
        builder.Services.AddSingleton(settings);
        // A JSON line (Logging:Console:FormatterName=json, for collectors) carries when it was written, in UTC, unless
        // the operator gave a format. Only JSON's: the simple format's prefix is for people, and shares the setting.
        builder.Services.Configure<JsonConsoleFormatterOptions>(json =>
        {
            if (json.TimestampFormat is null)
            {
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                json.UseUtcTimestamp = true;
            }
        });
        var telemetry = builder.Services.AddOpenTelemetry()
            // The environment detector after our name, so OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win.
            .ConfigureResource(resource => resource.AddService(ServiceName).AddEnvironmentVariableDetector())
            .WithMetrics(metrics => metrics
                .AddMeter(CucosTelemetry.Name, OrleansMeter)
                .AddAspNetCoreInstrumentation()
                // Registry fetches, GitHub, OSV and BigQuery calls (http.client.request.duration), and the database.
                .AddHttpClientInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        if (settings.OtlpEnabled)
        {
            // Spans are only made when someone takes them: without an OTLP endpoint no tracing is set up at all,
            // and Orleans' grain-call spans stay off (they cost on every call).
            telemetry
                .WithTracing(tracing => tracing
                    .AddSource(CucosTelemetry.Name, OrleansActivitySources)
                    .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = context =>
                        !context.Request.Path.StartsWithSegments(ObservabilitySettings.MetricsPath))
                    // The registry fetch is the slowest step of most analyses: its requests (and every other outgoing
                    // one) are spans under the task attempt's, and so is each database command.
                    .AddHttpClientInstrumentation()
                    .AddNpgsql())
                .WithLogging(configureBuilder: null, configureOptions: logging =>
                {
                    // AnalysisId and TaskName come from scopes (see LogScope).
                    logging.IncludeScopes = true;
                    logging.IncludeFormattedMessage = true;
                })
                // Reads OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_METRIC_EXPORT_INTERVAL, ...
                .UseOtlpExporter();
            builder.UseOrleans(silo => silo.AddActivityPropagation());
        }
        if (settings.DashboardEnabled)
            builder.UseOrleans(silo => silo.AddDashboard(options =>
            {
                // The live log stream would show every log line to anyone who reaches the dashboard.
                options.HideTrace = true;
                builder.Configuration.GetSection(ObservabilitySettings.DashboardSection).Bind(options);
            }));
        return builder;
    }

    /// <summary>Maps <c>/metrics</c> (Prometheus) and, when enabled, <c>/dashboard</c>.</summary>
    public static WebApplication MapCucosObservability(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<ObservabilitySettings>();
        app.MapPrometheusScrapingEndpoint(ObservabilitySettings.MetricsPath);
        if (settings.DashboardEnabled)
            // Behind the same authentication as the API (the fallback policy); its routes are not ours to describe.
            app.MapOrleansDashboard(routePrefix: ObservabilitySettings.DashboardPath).ExcludeFromDescription();
        return app;
    }
}
