using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Cucos.Orleans.Grains.Hosting;

namespace Cucos.Orleans.Tests.Support;

/// <summary>The real silo executable, started as its own process on free loopback ports.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private SiloProcess(Process process, int gatewayPort)
    {
        this.process = process;
        GatewayPort = gatewayPort;
    }

    public int GatewayPort { get; }
    public string Output { get { lock (output) return output.ToString(); } }

    public static async Task<SiloProcess> StartAsync(string cacheRoot, string clusterId)
    {
        var siloDll = Path.Combine(RepositoryRoot(), "Silo", "bin", BuildConfiguration, "net10.0", "cucos-silo.dll");
        if (!File.Exists(siloDll))
            throw new FileNotFoundException($"the silo is not built at {siloDll}; build the solution first (dotnet build Cucos.Orleans.sln).");
        var gatewayPort = CucosEmbeddedCluster.FreeLoopbackPort();
        var start = new ProcessStartInfo("dotnet", [siloDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(siloDll)!,
        };
        start.Environment["Cucos__SiloPort"] = CucosEmbeddedCluster.FreeLoopbackPort().ToString();
        start.Environment["Cucos__GatewayPort"] = gatewayPort.ToString();
        start.Environment["Cucos__ClusterId"] = clusterId;
        start.Environment["Cucos__CacheRoot"] = cacheRoot;
        var silo = new SiloProcess(Process.Start(start)!, gatewayPort);
        silo.process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        silo.process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        silo.process.BeginOutputReadLine();
        silo.process.BeginErrorReadLine();
        await silo.WaitForGatewayAsync(TimeSpan.FromSeconds(60));
        return silo;
    }

    private void Append(string? line)
    {
        if (line is not null)
            lock (output) output.AppendLine(line);
    }

    private async Task WaitForGatewayAsync(TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"the silo exited with code {process.ExitCode}:\n{Output}");
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync("127.0.0.1", GatewayPort);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(200);
            }
        }
        throw new TimeoutException($"the silo's gateway did not open within {limit}:\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    private static string BuildConfiguration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Cucos.Orleans.sln")))
                return directory.FullName;
        throw new DirectoryNotFoundException("Cucos.Orleans.sln not found above " + AppContext.BaseDirectory);
    }
}
