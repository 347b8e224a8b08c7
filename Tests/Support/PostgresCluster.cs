using Cucos.Client;
using Cucos.Grains.Hosting;
using Cucos.Persistence;
using Cucos.Tests.TestTasks;
using Cucos.Workers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Cucos.Tests.Support;

/// <summary>
/// An in-process test cluster with grain state and reminders in the given PostgreSQL database. (The test host keeps
/// its own membership; clustering through PostgreSQL needs real silo processes.)
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private PostgresCluster(InProcessTestCluster cluster) => Cluster = cluster;

    public InProcessTestCluster Cluster { get; }
    public ICucosClient Client => Cluster.Client.ServiceProvider.GetRequiredService<ICucosClient>();

    /// <summary>The silo's grain storage, as its grains and workers use it.</summary>
    public IGrainStorage GrainStorage => Cluster.GetSiloServiceProvider(Cluster.Silos[0].SiloAddress)
        .GetRequiredKeyedService<IGrainStorage>(StateNames.StorageProvider);

    public static async Task<PostgresCluster> StartAsync(
        string connectionString, string clusterId, string cacheRoot, PostgresStorageProvider storage = PostgresStorageProvider.GroupCommit,
        Action<IServiceCollection>? siloServices = null)
    {
        var builder = ClusterFixture.CreateBuilder(cacheRoot, silo => silo.UseCucosPostgresStorage(connectionString, storage));
        if (siloServices is not null)
            builder.ConfigureSiloHost((_, host) => siloServices(host.Services));
        builder.Options.ClusterId = clusterId;
        builder.Options.ServiceId = "cucos-tests";
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new PostgresCluster(cluster);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
