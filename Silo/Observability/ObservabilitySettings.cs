using Microsoft.Extensions.Configuration;

namespace Cucos.Silo.Observability;

/// <summary>
/// What the silo exports besides its logs: the Orleans dashboard (<c>Cucos:Dashboard:Enabled</c>, off unless set) and
/// OTLP export of metrics, traces and logs, on when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the
/// other <c>OTEL_*</c> variables, such as <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, are read by OpenTelemetry itself).
/// The Prometheus endpoint <c>/metrics</c> is always served.
/// </summary>
public sealed record ObservabilitySettings(bool DashboardEnabled, Uri? OtlpEndpoint)
{
    public const string DashboardSection = "Cucos:Dashboard";
    public const string DashboardPath = "/dashboard";
    public const string MetricsPath = "/metrics";
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public bool OtlpEnabled => OtlpEndpoint is not null;

    public static ObservabilitySettings From(IConfiguration configuration)
    {
        var enabled = configuration[DashboardSection + ":Enabled"];
        var dashboard = enabled is { Length: > 0 } && (bool.TryParse(enabled, out var flag)
            ? flag
            : throw new InvalidOperationException($"{DashboardSection}:Enabled is '{enabled}': give true or false."));
        var endpoint = configuration[OtlpEndpointVariable];
        Uri? otlp = null;
        if (!string.IsNullOrWhiteSpace(endpoint)
            && (!Uri.TryCreate(endpoint, UriKind.Absolute, out otlp) || otlp.Scheme is not ("http" or "https")))
            throw new InvalidOperationException(
                $"{OtlpEndpointVariable} is '{endpoint}': give the collector's http:// or https:// address, such as http://otel-collector:4317, or unset it.");
        return new ObservabilitySettings(dashboard, otlp);
    }
}
