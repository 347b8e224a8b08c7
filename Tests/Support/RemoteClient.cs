using Cucos.Client;
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

    public static async Task<RemoteClient> ConnectAsync(string clusterId, params int[] gatewayPorts)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseCucosClient(client =>
        {
            client.Gateways = [.. gatewayPorts.Select(port => $"127.0.0.1:{port}")];
            client.ClusterId = clusterId;
        });
        var host = builder.Build();
        await host.StartAsync();
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
