using Cucos.Client;
using Cucos.Grains.Hosting;
using Cucos.Messages;
using Cucos.Sdk.Ecosystems;
using Cucos.State;
using Cucos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Cucos.Tests.Ecosystems;

/// <summary>The toy ecosystem registered through DI in a test cluster and analysed through <see cref="ICucosClient"/>.</summary>
[Trait("Category", "Cluster")]
public sealed class PluginEcosystemClusterTests : IAsyncLifetime
{
    private readonly ToyPackages toy = new();
    private readonly TempDirectory cache = new("cucos-toy-cluster");
    private InProcessTestCluster cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = ClusterFixture.CreateBuilder(cache.Path, silo => silo.UseCucosInMemoryStorage());
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration["Cucos:Registries:toy"] = toy.BaseUrl;
            host.Services.AddCucosEcosystem<ToyEcosystem>();
        });
        cluster = builder.Build();
        await cluster.DeployAsync();
    }

    [Fact]
    public async Task The_client_analyses_a_plug_in_ecosystems_package_parsed_from_toy_name_at_version()
    {
        var client = cluster.Client.ServiceProvider.GetRequiredService<ICucosClient>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var ticket = await client.StartAnalysisAsync(AnalysisRequest.ParsePackage("toy:blocks@1.0", force: true, tasks: ["digests"]));
        var analysis = await client.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);

        Assert.True(analysis.Status == AnalysisStatus.Succeeded, string.Join("; ", analysis.Tasks.Values.Select(t => $"{t.Name} {t.Status} {t.Error?.Message}")));
        toy.AssertAnalysed((await client.GetResultAsync(ticket.AnalysisId, "init"))!.Value, (await client.GetResultAsync(ticket.AnalysisId, "digests"))!.Value);
    }

    public async Task DisposeAsync()
    {
        await cluster.DisposeAsync();
        toy.Dispose();
        cache.Dispose();
    }
}
