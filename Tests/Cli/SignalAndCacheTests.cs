using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cucos.Cli;
using Cucos.Grains.Hosting;
using Cucos.Tests.Support;

namespace Cucos.Tests.Cli;

/// <summary>
/// The real CLI and silo processes stopped by SIGTERM and SIGINT where they used to wait on (a registry that never
/// answers, a database that is not there), and an unwritable cache folder refused at start.
/// </summary>
[Trait("Category", "Processes")]
public sealed class SignalAndCacheTests : IDisposable
{
    private readonly TempDirectory folder = new("cucos-signals");

    // SIGINT takes the same path (one handler for both), but a process started from a background job inherits SIGINT
    // ignored, as CI starts the tests, so only SIGTERM can be sent here reliably.
    [Fact]
    public async Task SIGTERM_stops_an_analysis_waiting_on_its_registry_with_exit_code_143()
    {
        const string signal = "TERM";
        // A registry that takes the connection and never answers: init waits on it.
        using var registry = new TcpListener(IPAddress.Loopback, 0);
        registry.Start();
        var port = ((IPEndPoint)registry.LocalEndpoint).Port;
        var cli = Path.Combine(SiloProcess.RepositoryRoot(), "Cli", "bin", BuildConfiguration, "net10.0", "cucos.dll");
        var start = new ProcessStartInfo("dotnet", [cli, "analyze", "pypi:six@1.16.0", "--registry", $"pypi=http://127.0.0.1:{port}/", "--cache", folder.Combine("cache")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using (var waiting = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
            using (var held = await registry.AcceptTcpClientAsync(waiting.Token))
            {
                using (var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString()]))
                    await kill.WaitForExitAsync();
                using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await process.WaitForExitAsync(exited.Token);
            }

            Assert.Equal(CucosCli.TerminatedExitCode, process.ExitCode);
            Assert.Contains("interrupted: the command stopped before it finished, and its embedded cluster (if any) was shut down.", await stderr);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task SIGTERM_stops_a_silo_waiting_for_postgresql()
    {
        await using var silo = SiloProcess.StartNoWait(folder.Combine("cache"), "signals", new Dictionary<string, string>
        {
            ["ConnectionStrings__Cucos"] = $"Host=127.0.0.1;Port={CucosEmbeddedCluster.FreeLoopbackPort()};Username=cucos;Database=cucos;Timeout=2",
        });
        Assert.True(await silo.WaitForOutputAsync("Trying again in", TimeSpan.FromSeconds(60)), silo.Output);

        Assert.Equal(0, await silo.TerminateAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("cucos-silo: stopped before it had started.", silo.Output);
    }

    [Fact]
    public async Task An_unwritable_cache_is_refused_at_start_by_the_cli_and_the_silo()
    {
        var file = folder.WriteFile("not-a-folder", [1]);
        var cache = Path.Combine(file, "cache");
        var package = folder.WriteFile("package/index.js", Encoding.UTF8.GetBytes("module.exports = 1;\n"));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var cliExit = await CucosCli.RunAsync(["analyze", Path.GetDirectoryName(package)!, "--cache", cache], stdout, stderr);

        Assert.Equal(2, cliExit);
        Assert.StartsWith($"error: the cache folder '{cache}' (--cache) cannot be written:", stderr.ToString());
        Assert.EndsWith("Give a folder this user may create and write." + Environment.NewLine, stderr.ToString());
        var (siloExit, output) = await SiloProcess.RunToExitAsync(cache, "signals", CucosEmbeddedCluster.FreeLoopbackPort(), CucosEmbeddedCluster.FreeLoopbackPort());
        Assert.Equal(1, siloExit);
        Assert.Contains($"error: the cache folder '{cache}' (Cucos:CacheRoot) cannot be written:", output);
        Assert.DoesNotContain("   at ", output);
    }

    private static string BuildConfiguration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    public void Dispose() => folder.Dispose();
}
