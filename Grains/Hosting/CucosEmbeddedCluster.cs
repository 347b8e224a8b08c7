using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;

namespace Cucos.Orleans.Grains.Hosting;

public static class CucosEmbeddedCluster
{
    /// <summary>
    /// Runs a single-silo cluster inside this process: localhost clustering on free ports, grain state and
    /// reminders in memory. Nothing to install; nothing outlives the process.
    /// </summary>
    public static IHostApplicationBuilder UseCucosEmbeddedCluster(this IHostApplicationBuilder builder, Action<CucosSiloOptions>? configure = null)
    {
        var siloPort = FreeLoopbackPort();
        var gatewayPort = FreeLoopbackPort();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort, gatewayPort, serviceId: ClusterDefaults.ServiceId, clusterId: "cucos-embedded")
            .AddCucos(configure)
            .UseCucosInMemoryStorage());
        return builder;
    }

    /// <summary>A port free on loopback at the time of asking.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
