using Cucos.State;
using Cucos.Tests.Support;

namespace Cucos.Tests.Cluster;

/// <summary>The shipped silo executable in its own process, and a service host that embeds the client.</summary>
[Trait("Category", "Processes")]
public sealed class RemoteSiloTests
{
    [Fact]
    public async Task A_service_host_with_UseCucosClient_runs_the_default_flow_on_a_silo_process()
    {
        using var cache = new TempDirectory("cucos-cache");
        using var package = new TempDirectory("cucos-package");
        var files = Fixtures.SmallPackage(seed: 11);
        Fixtures.WriteTree(package.Path, files);
        var clusterId = "remote-test-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await SiloProcess.StartAsync(cache.Path, clusterId);

        await using var remote = await RemoteClient.ConnectAsync(clusterId, silo.GatewayPort);
        var client = remote.Client;
        var ticket = await client.StartAnalysisAsync(Messages.AnalysisRequest.ForLocalPath(package.Path));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var analysis = await client.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);

        Assert.True(analysis.Status == AnalysisStatus.Succeeded, $"analysis {analysis.Status}; silo output:\n{silo.Output}");
        Assert.StartsWith(cache.Path, analysis.CachePath);
        var digests = (await client.GetResultAsync(ticket.AnalysisId, "digests"))!.Value;
        var md5 = digests.GetProperty("details").GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("md5").GetString());
        Assert.Equal(Fixtures.Expected(files["index.js"]).Md5, md5["index.js"]);
    }

    [Fact]
    public async Task A_silo_refuses_local_paths_and_the_cluster_s_own_methods_to_an_outside_client()
    {
        using var cache = new TempDirectory("cucos-cache");
        using var package = new TempDirectory("cucos-package");
        Fixtures.WriteTree(package.Path, Fixtures.SmallPackage(seed: 12));
        var clusterId = "trust-test-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await SiloProcess.StartAsync(cache.Path, clusterId, new Dictionary<string, string> { ["Cucos__AllowLocalPaths"] = "false" });
        await using var remote = await RemoteClient.ConnectAsync(clusterId, silo.GatewayPort);

        var local = await Assert.ThrowsAsync<Messages.InvalidAnalysisRequestException>(
            () => remote.Client.StartAnalysisAsync(Messages.AnalysisRequest.ForLocalPath(package.Path)));
        Assert.Contains("this cluster does not analyse local paths", local.Message);
        Assert.Contains("Cucos:AllowLocalPaths=true", local.Message);

        var executor = await Assert.ThrowsAsync<Grains.CallRefusedException>(() => remote.Cluster.GetGrain<Grains.IExecutorGrain>(0)
            .StartAsync([new Messages.TaskAttempt { AnalysisId = "a", TaskName = Sdk.CucosFlow.RootTask, Attempt = 2 }]));
        Assert.StartsWith("IExecutorGrain.StartAsync belongs to the cluster", executor.Message);
        Assert.Empty(Directory.GetFileSystemEntries(cache.Path));
    }

    [Fact]
    public async Task A_second_silo_on_taken_ports_refuses_to_start_and_says_which()
    {
        using var cache = new TempDirectory("cucos-cache");
        var clusterId = "ports-test-" + Guid.NewGuid().ToString("N")[..8];
        await using var first = await SiloProcess.StartAsync(cache.Path, clusterId);

        var (exitCode, output) = await SiloProcess.RunToExitAsync(cache.Path, clusterId, first.SiloPort, first.GatewayPort);

        Assert.Equal(1, exitCode);
        Assert.Contains($"error: port {first.SiloPort} (Cucos:SiloPort) is already in use", output);
        Assert.Contains("Cucos__SiloPort", output);
        Assert.DoesNotContain("   at ", output);
    }
}
