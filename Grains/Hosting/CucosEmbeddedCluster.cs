using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;

namespace Cucos.Orleans.Grains.Hosting;

public static class CucosEmbeddedCluster
{
    /// <summary>
    /// Runs a single-silo cluster inside this process: localhost clustering on free ports, grain state and
    /// reminders in memory unless <paramref name="storage"/> configures other providers. With the default,
    /// nothing needs installing and nothing outlives the process.
    /// </summary>
    public static IHostApplicationBuilder UseCucosEmbeddedCluster(
        this IHostApplicationBuilder builder, Action<CucosSiloOptions>? configure = null, Action<ISiloBuilder>? storage = null)
    {
        var siloPort = FreeLoopbackPort();
        var gatewayPort = FreeLoopbackPort();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort, gatewayPort, serviceId: ClusterDefaults.ServiceId, clusterId: "cucos-embedded")
            .AddCucos(configure)
            .Apply(storage ?? (s => s.UseCucosInMemoryStorage())));
        return builder;
    }

    private static ISiloBuilder Apply(this ISiloBuilder silo, Action<ISiloBuilder> configure)
    {
        configure(silo);
        return silo;
    }

    /// <summary>A port free on loopback at the time of asking.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
