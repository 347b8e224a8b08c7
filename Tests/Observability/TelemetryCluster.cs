using Cucos.Grains.Telemetry;
using Cucos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;

namespace Cucos.Tests.Observability;

/// <summary>
/// A one-silo test cluster of its own for the telemetry tests: no other test's analyses run on it, so what its
/// meter records is theirs alone. Its silo logs into a <see cref="LogCapture"/>.
/// </summary>
public sealed class TelemetryCluster : ClusterFixture
{
    public LogCapture Logs { get; } = new();

    /// <summary>The silo's own telemetry (its meter comes from the silo's meter factory).</summary>
    public CucosTelemetry Telemetry => Cluster.Silos[0].ServiceProvider.GetRequiredService<CucosTelemetry>();

    protected override void Configure(InProcessTestClusterBuilder builder) =>
        builder.ConfigureSiloHost((_, host) => host.Logging.AddProvider(Logs).AddFilter<LogCapture>(null, LogLevel.Information));
}
