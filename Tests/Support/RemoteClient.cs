using Cucos.Client;
using Cucos.Client.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cucos.Tests.Support;

/// <summary>A service host that embeds the client library (UseCucosClient), connected to silo processes' gateways.</summary>
public sealed class RemoteClient : IAsyncDisposable
{
    private readonly IHost host;

    private RemoteClient(IHost host)
    {
        this.host = host;
        Client = host.Services.GetRequiredService<ICucosClient>();
    }

    public ICucosClient Client { get; }

    /// <summary>The Orleans client underneath: the management grain, and the grains as this outside client reaches them.</summary>
    public IClusterClient Cluster => host.Services.GetRequiredService<IClusterClient>();

    public static Task<RemoteClient> ConnectAsync(string clusterId, params int[] gatewayPorts) =>
        ConnectAsync(clusterId, null, CancellationToken.None, gatewayPorts);

    /// <summary>Connects with a client certificate, for silos that require mutual TLS; a refused client may retry until cancelled.</summary>
    public static async Task<RemoteClient> ConnectAsync(string clusterId, CucosTlsOptions? tls, CancellationToken cancellationToken, params int[] gatewayPorts)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseCucosClient(client =>
        {
            client.Gateways = [.. gatewayPorts.Select(port => $"127.0.0.1:{port}")];
            client.ClusterId = clusterId;
            if (tls is not null)
                client.Tls = tls;
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new RemoteClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await host.StopAsync();
        }
        finally
        {
            host.Dispose();
        }
    }
}
