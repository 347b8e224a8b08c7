using Cucos.Client;
using Cucos.Grains.Hosting;
using Cucos.Messages;
using Cucos.Tests.TestTasks;
using Cucos.Workers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Cucos.Tests.Support;

/// <summary>
/// One in-process Orleans test cluster for the tests of the <c>cluster</c> collection: a real silo with the Cucos
/// grains, in-memory storage and reminders (1 s minimum period, tests only), and a real client over the gateway.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(1);
    private readonly TempDirectory cache = new("cucos-cache");
    private readonly TempDirectory package = new("cucos-package");

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public ICucosClient Client { get; private set; } = null!;
    /// <summary>The grains as an outside client reaches them, through the gateway: only the [ClientCallable] methods answer.</summary>
    public IGrainFactory Grains => Cluster.Client;

    /// <summary>The grains as the cluster itself reaches them (the silo's own client): for tests that play a silo's part.</summary>
    public IGrainFactory SiloGrains => Cluster.GetSiloServiceProvider().GetRequiredService<IGrainFactory>();
    public string CacheRoot => cache.Path;
    public string PackagePath => package.Path;

    public async Task InitializeAsync()
    {
        Fixtures.WriteTree(package.Path, Fixtures.SmallPackage());
        var builder = CreateBuilder(cache.Path, silo => silo.UseCucosInMemoryStorage());
        Configure(builder);
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Client = Cluster.Client.ServiceProvider.GetRequiredService<ICucosClient>();
    }

    /// <summary>What a fixture of its own adds to the cluster before it is built (its logging, say).</summary>
    protected virtual void Configure(InProcessTestClusterBuilder builder)
    {
    }

    /// <summary>
    /// A one-silo test cluster with the built-in and test tasks, local paths allowed, a 1 s watchdog and reminder minimum (tests only),
    /// and a client host with <see cref="ICucosClient"/>; <paramref name="storage"/> picks the storage profile.
    /// </summary>
    public static InProcessTestClusterBuilder CreateBuilder(string cacheRoot, Action<ISiloBuilder> storage)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddCucos(options =>
                {
                    options.CacheRoot = cacheRoot;
                    // The tests analyse fixture folders, as the command line's embedded cluster does.
                    options.AllowLocalPaths = true;
                    options.WatchdogInterval = Watchdog;
                    options.LeaseGrace = TimeSpan.FromSeconds(1);
                })
                .Configure<ReminderOptions>(reminders => reminders.MinimumReminderPeriod = Watchdog);
            storage(silo);
        });
        builder.ConfigureSiloHost((_, host) => host.Services.AddCucosBuiltInTasks().AddTestTasks());
        builder.ConfigureClientHost(host => host.Services.AddCucosClient());
        return builder;
    }

    /// <summary>A request for a package version no other test uses, over the fixture package.</summary>
    public AnalysisRequest Request(params string[] tasks) => new()
    {
        Ecosystem = "test",
        Name = "pkg-" + Guid.NewGuid().ToString("N"),
        Version = "1.0.0",
        SourcePath = package.Path,
        Tasks = tasks.Length == 0 ? null : tasks,
    };

    /// <summary>Starts an analysis and waits (at most two minutes, for a loaded machine) for it to finish.</summary>
    public async Task<State.AnalysisSnapshot> RunAsync(AnalysisRequest request)
    {
        var ticket = await Client.StartAnalysisAsync(request);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await Client.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        cache.Dispose();
        package.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
