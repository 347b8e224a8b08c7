using Cucos.Grains.Hosting;
using Cucos.Messages;
using Cucos.State;
using Cucos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Cucos.Tests.Cluster;

/// <summary>
/// The cluster's storage in memory, behind a switch that makes writes of one state fail as PostgreSQL does when it
/// goes away: with our providers' <see cref="StorageUnavailableException"/>. Nothing else is changed.
/// </summary>
public sealed class FailingWrites(IGrainStorage inner) : IGrainStorage
{
    public const string Inner = "cucos-memory";

    private static volatile string? failing;

    /// <summary>The state name whose writes fail, while set.</summary>
    public static string? Failing
    {
        get => failing;
        set => failing = value;
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        stateName == Failing
            ? throw new StorageUnavailableException("the database is not reachable just now (test); the call may be tried again in a few seconds.", isTransient: true)
            : inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);

    public static void Use(ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(Inner).UseInMemoryReminderService();
        silo.Services.AddKeyedSingleton<IGrainStorage>(StateNames.StorageProvider,
            (services, _) => new FailingWrites(services.GetRequiredKeyedService<IGrainStorage>(Inner)));
    }
}

/// <summary>Storage failing under a request (issue 22 §3): a transient, serialisable error to the caller, and no analysis left unlisted.</summary>
[Trait("Category", "Cluster")]
public sealed class StorageFailureTests : IAsyncLifetime
{
    private readonly TempDirectory cache = new("cucos-cache");
    private readonly TempDirectory package = new("cucos-package");
    private InProcessTestCluster cluster = null!;

    public async Task InitializeAsync()
    {
        Fixtures.WriteTree(package.Path, Fixtures.SmallPackage());
        cluster = ClusterFixture.CreateBuilder(cache.Path, FailingWrites.Use).Build();
        await cluster.DeployAsync();
    }

    [Fact]
    public async Task A_start_whose_package_record_fails_is_transient_to_the_client_and_its_retry_lists_the_one_analysis_it_started()
    {
        var client = cluster.Client.ServiceProvider.GetRequiredService<Client.ICucosClient>();
        var request = new AnalysisRequest
        {
            Ecosystem = "test", Name = "pkg-" + Guid.NewGuid().ToString("N"), Version = "1.0.0", SourcePath = package.Path, Tasks = ["producer"],
        };

        // The analysis is stored and starts; recording it under its package fails.
        FailingWrites.Failing = StateNames.Package;
        Exception failure;
        try
        {
            failure = await Assert.ThrowsAnyAsync<Exception>(() => client.StartAnalysisAsync(request));
        }
        finally
        {
            FailingWrites.Failing = null;
        }
        Assert.True(ClusterErrors.IsTransient(failure), $"not transient: {failure}");
        Assert.Contains("the database is not reachable just now", failure.ToString());

        var retried = await client.StartAnalysisAsync(request);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var analysis = await client.WaitForCompletionAsync(retried.AnalysisId, timeout.Token);
        var listed = await client.ListAnalysesAsync(request.Ecosystem, request.Name, request.Version);

        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        Assert.Equal([retried.AnalysisId], listed.Analyses.Select(a => a.AnalysisId));
        // The first try's analysis is the one listed: the retry started no second one.
        Assert.Equal(GrainKeys.AnalysisId(GrainKeys.Package(request.Ecosystem, request.Name, request.Version), 0), retried.AnalysisId);
    }

    public async Task DisposeAsync()
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
        cache.Dispose();
        package.Dispose();
    }
}
