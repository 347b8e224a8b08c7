using Cucos.Orleans.Client;
using Cucos.Orleans.Grains.Hosting;
using Cucos.Orleans.Grains.Telemetry;
using Cucos.Orleans.Messages;
using Cucos.Orleans.State;
using Cucos.Orleans.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;

namespace Cucos.Orleans.Tests.Observability;

/// <summary>
/// A one-silo test cluster of its own for the telemetry tests: no other test's analyses run on it, so what its
/// meter records is theirs alone. Its silo logs into a <see cref="LogCapture"/>.
/// </summary>
public sealed class TelemetryCluster : IAsyncLifetime
{
    private readonly TempDirectory cache = new("cucos-cache");
    private readonly TempDirectory package = new("cucos-package");

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public ICucosClient Client { get; private set; } = null!;
    public LogCapture Logs { get; } = new();
    public string PackagePath => package.Path;

    /// <summary>The silo's own telemetry (its meter comes from the silo's meter factory).</summary>
    public CucosTelemetry Telemetry => Cluster.Silos[0].ServiceProvider.GetRequiredService<CucosTelemetry>();

    public async Task InitializeAsync()
    {
        Fixtures.WriteTree(package.Path, Fixtures.SmallPackage());
        var builder = ClusterFixture.CreateBuilder(cache.Path, silo => silo.UseCucosInMemoryStorage());
        builder.ConfigureSiloHost((_, host) => host.Logging.AddProvider(Logs).AddFilter<LogCapture>(null, LogLevel.Information));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Client = Cluster.Client.ServiceProvider.GetRequiredService<ICucosClient>();
    }

    public AnalysisRequest Request(params string[] tasks) => new()
    {
        Ecosystem = "test",
        Name = "pkg-" + Guid.NewGuid().ToString("N"),
        Version = "1.0.0",
        SourcePath = package.Path,
        Tasks = tasks,
    };

    public async Task<AnalysisSnapshot> RunAsync(AnalysisRequest request)
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
