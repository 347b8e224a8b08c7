using System.Diagnostics;
using Cucos.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Hosting;

namespace Cucos.Bench;

/// <summary>
/// <c>--telemetry</c>: what the silo pays with OpenTelemetry listening as it does with an OTLP endpoint: metrics of
/// our meter and Orleans', spans of our source and Orleans' (grain calls traced); <c>--metrics</c>: the metrics alone,
/// as with only Prometheus. Exported nowhere, so only the recording is measured.
/// </summary>
internal static class BenchTelemetry
{
    /// <param name="traces">false: metrics only, as a silo without an OTLP endpoint (Prometheus) listens.</param>
    public static IHostApplicationBuilder AddListeningTelemetry(this IHostApplicationBuilder builder, bool traces)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(CucosTelemetry.Name, "Microsoft.Orleans")
                .AddReader(new PeriodicExportingMetricReader(new Discarding<Metric>(), exportIntervalMilliseconds: 10_000)));
        if (!traces)
            return builder;
        telemetry.WithTracing(tracing => tracing
            .AddSource(CucosTelemetry.Name, "Microsoft.Orleans.*")
            .AddProcessor(new BatchActivityExportProcessor(new Discarding<Activity>())));
        builder.UseOrleans(silo => silo.AddActivityPropagation());
        return builder;
    }

    private sealed class Discarding<T> : BaseExporter<T> where T : class
    {
        public override ExportResult Export(in Batch<T> batch) => ExportResult.Success;
    }
}
