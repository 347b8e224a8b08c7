using System.Net;
using Cucos.Client.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Cucos.Client;

public static class CucosClientExtensions
{
    /// <summary>
    /// Registers <see cref="ICucosClient"/> over the host's Orleans grain factory. Use it in a host that
    /// already runs a silo (an embedded cluster) or an Orleans client; <see cref="UseCucosClient"/> sets up the latter.
    /// </summary>
    public static IServiceCollection AddCucosClient(this IServiceCollection services)
    {
        services.TryAddSingleton<ICucosClient>(sp => new CucosClient(sp.GetRequiredService<IGrainFactory>()));
        services.AddCucosExceptionSerialization();
        return services;
    }

    /// <summary>
    /// Lets Orleans carry every exception across the wire, not only those of the System, Microsoft and Azure namespaces.
    /// Otherwise an error whose chain holds another library's exception cannot be sent at all, and the caller gets a
    /// <c>CodecNotFoundException</c> in its place: the soak run saw Orleans' own placement time-out (a
    /// <see cref="TimeoutException"/> around Polly's <c>TimeoutRejectedException</c>) reach the HTTP API so, during a
    /// silo's death, as a 500 instead of a time-out to retry. Exceptions carry what was wrong, not secrets: messages
    /// that could (connection strings) are scrubbed where they arise, as the PostgreSQL providers do.
    /// </summary>
    public static IServiceCollection AddCucosExceptionSerialization(this IServiceCollection services)
    {
        services.Configure<Orleans.Serialization.ExceptionSerializationOptions>(options =>
            options.SupportedExceptionTypeFilter = type => typeof(Exception).IsAssignableFrom(type));
        return services;
    }

    /// <summary>
    /// Connects this host to a remote Cucos cluster as an Orleans client and registers <see cref="ICucosClient"/>.
    /// Settings come from the <c>Cucos:Client</c> configuration section, then <paramref name="configure"/>. With
    /// <see cref="CucosClientOptions.Tls"/> set, every gateway connection is mutual TLS; a bad certificate setting
    /// throws <see cref="InvalidOperationException"/> here, naming the setting.
    /// </summary>
    public static IHostApplicationBuilder UseCucosClient(this IHostApplicationBuilder builder, Action<CucosClientOptions>? configure = null)
    {
        var options = new CucosClientOptions();
        builder.Configuration.GetSection(CucosClientOptions.Section).Bind(options);
        configure?.Invoke(options);
        var gateways = options.Gateways.Select(ParseGateway).ToArray();
        var tls = options.Tls.IsConfigured ? CucosTlsCredentials.Load(options.Tls, CucosClientOptions.Section + ":Tls", asSilo: false) : null;
        if (tls is not null)
            builder.Services.AddSingleton(tls); // disposed with the host
        builder.UseOrleansClient(client =>
        {
            if (tls is not null)
                client.UseTls(tls.Configure);
            if (gateways.Length == 0)
                client.UseLocalhostClustering(ClusterDefaults.GatewayPort, options.ServiceId, options.ClusterId);
            else
                client.UseStaticClustering(gateways)
                    .Configure<ClusterOptions>(cluster =>
                    {
                        cluster.ClusterId = options.ClusterId;
                        cluster.ServiceId = options.ServiceId;
                    });
        });
        builder.Services.AddCucosClient();
        return builder;
    }

    /// <summary>Parses <c>host:port</c>; a host name is resolved now.</summary>
    public static IPEndPoint ParseGateway(string gateway)
    {
        var separator = gateway.LastIndexOf(':');
        if (separator <= 0 || !int.TryParse(gateway[(separator + 1)..], out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"gateway '{gateway}' is not of the form host:port (for example 127.0.0.1:{ClusterDefaults.GatewayPort}).");
        var host = gateway[..separator].Trim('[', ']');
        if (IPAddress.TryParse(host, out var address))
            return new IPEndPoint(address, port);
        try
        {
            var addresses = Dns.GetHostAddresses(host);
            return new IPEndPoint(addresses.First(), port);
        }
        catch (Exception exception) when (exception is System.Net.Sockets.SocketException or InvalidOperationException)
        {
            throw new ArgumentException($"gateway host '{host}' could not be resolved: check the name.", exception);
        }
    }
}
