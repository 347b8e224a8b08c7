using System.Text.Json;
using Cucos.Client;
using Cucos.Grains;
using Cucos.Grains.Usage;
using Cucos.Messages;
using Cucos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Cucos.Tests.Usage;

/// <summary>Test clusters with the usage refresh pointed at a loopback BigQuery server, and the waits the tests share.</summary>
internal static class UsageClusters
{
    public const string Ecosystem = "test";

    public static UsageSettings Settings(BigQueryServer server, ServiceAccount account) => new()
    {
        BaseUrl = server.BaseUrl,
        TokenUrl = server.TokenUrl,
        ProjectId = BigQueryServer.Project,
        Key = account.KeyJson(server.TokenUrl),
        PageSize = 2,
        PollInterval = TimeSpan.FromMilliseconds(20),
        // Only the tests' own calls start a refresh; the resume reminder and retries tick at the tests' 1 s reminder minimum.
        RefreshInterval = TimeSpan.FromHours(1),
        FirstRefreshDelay = TimeSpan.FromHours(1),
        ResumeInterval = TimeSpan.FromSeconds(1),
        RetryDelay = TimeSpan.FromSeconds(1),
        Ecosystems = [Ecosystem],
        Queries = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [Ecosystem] = "SELECT package, repositories FROM usage_counts" },
    };

    public static async Task<InProcessTestCluster> StartAsync(string cacheRoot, Action<ISiloBuilder> storage, UsageSettings settings, string? clusterId = null)
    {
        var builder = ClusterFixture.CreateBuilder(cacheRoot, storage);
        builder.ConfigureSiloHost((_, host) => host.Services.AddSingleton(settings));
        if (clusterId is not null)
        {
            builder.Options.ClusterId = clusterId;
            builder.Options.ServiceId = "cucos-tests";
        }
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public static IUsageRefreshGrain Refresh(this InProcessTestCluster cluster) =>
        cluster.GetSiloServiceProvider().GetRequiredService<IGrainFactory>().GetGrain<IUsageRefreshGrain>(Ecosystem);

    public static T SiloService<T>(this InProcessTestCluster cluster) where T : notnull => cluster.GetSiloServiceProvider().GetRequiredService<T>();

    /// <summary>Polls the refresh's status until <paramref name="done"/> (two minutes at most, for a loaded machine).</summary>
    public static async Task<UsageRefreshStatus> WaitAsync(this IUsageRefreshGrain grain, Func<UsageRefreshStatus, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        UsageRefreshStatus status;
        while (!done(status = await grain.GetStatusAsync()))
        {
            if (timeout.IsCancellationRequested)
                Assert.Fail($"the usage refresh did not get there: {JsonSerializer.Serialize(status)}");
            await Task.Delay(100);
        }
        return status;
    }

    /// <summary>Runs the usage task (and the metadata it is spawned by) for <c>test:name@1.0.0</c> and returns its result.</summary>
    public static async Task<JsonElement> UsageResultAsync(this InProcessTestCluster cluster, string packagePath, string name)
    {
        var client = cluster.Client.ServiceProvider.GetRequiredService<ICucosClient>();
        var ticket = await client.StartAnalysisAsync(new AnalysisRequest
        {
            Ecosystem = Ecosystem, Name = name, Version = "1.0.0", SourcePath = packagePath, Tasks = ["usage"], Force = true,
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var analysis = await client.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);
        Assert.Equal(State.AnalysisTaskStatus.Succeeded, analysis.Tasks["usage"].Status);
        var document = (await client.GetResultAsync(ticket.AnalysisId, "usage"))!.Value;
        ResultSchemas.AssertValid("usage", document);
        return document;
    }
}
