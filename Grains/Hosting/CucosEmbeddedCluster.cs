using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;

namespace Cucos.Grains.Hosting;

public static class CucosEmbeddedCluster
{
    /// <summary>
    /// Runs a single-silo cluster inside this process: localhost clustering on free ports, grain state and
    /// reminders in memory unless <paramref name="storage"/> configures other providers. With the default,
    /// nothing needs installing and nothing outlives the process. Local paths are analysed (see <see cref="CucosSiloOptions.AllowLocalPaths"/>).
    /// </summary>
    public static IHostApplicationBuilder UseCucosEmbeddedCluster(
        this IHostApplicationBuilder builder, Action<CucosSiloOptions>? configure = null, Action<ISiloBuilder>? storage = null)
    {
        var siloPort = FreeLoopbackPort();
        var gatewayPort = FreeLoopbackPort();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort, gatewayPort, serviceId: ClusterDefaults.ServiceId, clusterId: "cucos-embedded")
            // The caller and the silo are one user here, so a path on this machine is the caller's own to analyse.
            .AddCucos(options =>
            {
                options.AllowLocalPaths = true;
                configure?.Invoke(options);
            })
            .Apply(storage ?? (s => s.UseCucosInMemoryStorage())));
        return builder;
    }

    private static ISiloBuilder Apply(this ISiloBuilder silo, Action<ISiloBuilder> configure)
    {
        configure(silo);
        return silo;
    }

    /// <summary>
    /// A port free on loopback at the time of asking. It is picked below the system's ephemeral range where there is
    /// one: a port the system hands out can be taken by any outgoing connection before the caller binds it.
    /// </summary>
    public static int FreeLoopbackPort()
    {
        if (EphemeralRangeStart() is { } start && start > 2048)
        {
            var low = Math.Max(1024, start - 12_000);
            for (var i = 0; i < 50; i++)
            {
                var port = Random.Shared.Next(low, start);
                try
                {
                    using var probe = new TcpListener(IPAddress.Loopback, port);
                    probe.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // Taken: try another.
                }
            }
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int? EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            return int.TryParse(range[0], out var start) ? start : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
