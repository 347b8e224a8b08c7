using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Cucos.Grains.Hosting;

namespace Cucos.Tests.Support;

/// <summary>The real silo executable, started as its own process on free loopback ports.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private SiloProcess(Process process, int siloPort, int gatewayPort, int httpPort)
    {
        this.process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        HttpPort = httpPort;
    }

    public int SiloPort { get; }
    public int GatewayPort { get; }
    /// <summary>The silo's web host: HTTP API, health and metrics.</summary>
    public int HttpPort { get; }
    public Uri HttpAddress => new($"http://127.0.0.1:{HttpPort}/");
    public string Output { get { lock (output) return output.ToString(); } }

    /// <summary>Starts a silo and waits until its gateway accepts connections.</summary>
    public static async Task<SiloProcess> StartAsync(string cacheRoot, string clusterId, IReadOnlyDictionary<string, string>? environment = null)
    {
        var silo = Launch(cacheRoot, clusterId, CucosEmbeddedCluster.FreeLoopbackPort(), CucosEmbeddedCluster.FreeLoopbackPort(), environment);
        await silo.WaitForGatewayAsync(TimeSpan.FromSeconds(60));
        return silo;
    }

    /// <summary>Starts a silo on the given ports (a restart of one that ran there) and waits until its gateway accepts connections.</summary>
    public static async Task<SiloProcess> StartAsync(
        string cacheRoot, string clusterId, int siloPort, int gatewayPort, IReadOnlyDictionary<string, string>? environment = null)
    {
        var silo = Launch(cacheRoot, clusterId, siloPort, gatewayPort, environment);
        await silo.WaitForGatewayAsync(TimeSpan.FromSeconds(60));
        return silo;
    }

    /// <summary>Starts a silo and returns at once, without waiting for its gateway.</summary>
    public static SiloProcess StartNoWait(string cacheRoot, string clusterId, IReadOnlyDictionary<string, string> environment) =>
        Launch(cacheRoot, clusterId, CucosEmbeddedCluster.FreeLoopbackPort(), CucosEmbeddedCluster.FreeLoopbackPort(), environment);

    /// <summary>Starts a silo from <paramref name="workingDirectory"/> rather than its own folder, and returns at once.</summary>
    public static SiloProcess StartNoWaitFrom(string workingDirectory, string cacheRoot, string clusterId, IReadOnlyDictionary<string, string> environment) =>
        Launch(cacheRoot, clusterId, CucosEmbeddedCluster.FreeLoopbackPort(), CucosEmbeddedCluster.FreeLoopbackPort(), environment, workingDirectory: workingDirectory);

    /// <summary>The silo program that <see cref="StartAsync(string, string, IReadOnlyDictionary{string, string}?)"/> runs.</summary>
    public static string SiloDll => Path.Combine(RepositoryRoot(), "Silo", "bin", BuildConfiguration, "net10.0", "cucos-silo.dll");

    /// <summary>The cucos CLI program as built next to the tests.</summary>
    public static string CliDll => Path.Combine(RepositoryRoot(), "Cli", "bin", BuildConfiguration, "net10.0", "cucos.dll");

    /// <summary>The build configuration of the tests (and so of the programs they run).</summary>
    public static string Configuration => BuildConfiguration;

    /// <summary>
    /// Starts a silo inside a network namespace (a host of a <see cref="NetworkLab"/>) and returns at once. The namespace
    /// is a host of its own, so the silo takes the standard ports unless <paramref name="siloPort"/> says otherwise.
    /// </summary>
    public static SiloProcess StartInNamespace(
        string networkNamespace, string cacheRoot, string clusterId, IReadOnlyDictionary<string, string> environment, int siloPort = ClusterDefaults.SiloPort) =>
        Launch(cacheRoot, clusterId, siloPort, ClusterDefaults.GatewayPort, environment, networkNamespace, Cucos.Silo.SiloSettings.DefaultHttpPort);

    /// <summary>Waits until the silo's output contains <paramref name="text"/>.</summary>
    public async Task<bool> WaitForOutputAsync(string text, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (Output.Contains(text, StringComparison.Ordinal))
                return true;
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary>Starts a silo on the given ports and waits for it to exit; for start-up failures.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(
        string cacheRoot, string clusterId, int siloPort, int gatewayPort, IReadOnlyDictionary<string, string>? environment = null)
    {
        await using var silo = Launch(cacheRoot, clusterId, siloPort, gatewayPort, environment);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await silo.process.WaitForExitAsync(limit.Token);
        silo.process.WaitForExit(); // drains the redirected output
        return (silo.process.ExitCode, silo.Output);
    }

    private static SiloProcess Launch(
        string cacheRoot, string clusterId, int siloPort, int gatewayPort, IReadOnlyDictionary<string, string>? environment = null,
        string? networkNamespace = null, int? httpPort = null, string? workingDirectory = null)
    {
        httpPort ??= CucosEmbeddedCluster.FreeLoopbackPort();
        var siloDll = Path.Combine(RepositoryRoot(), "Silo", "bin", BuildConfiguration, "net10.0", "cucos-silo.dll");
        if (!File.Exists(siloDll))
            throw new FileNotFoundException($"the silo is not built at {siloDll}; build the solution first (dotnet build Cucos.Orleans.sln).");
        var start = new ProcessStartInfo(networkNamespace is null ? "dotnet" : "ip", networkNamespace is null ? [siloDll] : ["netns", "exec", networkNamespace, "dotnet", siloDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(siloDll)!,
        };
        start.Environment["Cucos__SiloPort"] = siloPort.ToString();
        start.Environment["Cucos__GatewayPort"] = gatewayPort.ToString();
        start.Environment["Cucos__HttpPort"] = httpPort.ToString();
        start.Environment["Cucos__ClusterId"] = clusterId;
        start.Environment["Cucos__CacheRoot"] = cacheRoot;
        // The tests analyse fixture folders on this machine; a silo refuses local paths unless told otherwise.
        start.Environment["Cucos__AllowLocalPaths"] = "true";
        // Explicitly off for the tests that are not about it; Tests/Http/ApiAuthenticationTests turn it on with keys.
        start.Environment["Cucos__Api__Authentication__Enabled"] = "false";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        var silo = new SiloProcess(Process.Start(start)!, siloPort, gatewayPort, httpPort.Value);
        silo.process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        silo.process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        silo.process.BeginOutputReadLine();
        silo.process.BeginErrorReadLine();
        return silo;
    }

    private void Append(string? line)
    {
        if (line is not null)
            lock (output) output.AppendLine(line);
    }

    /// <summary>Waits until the silo's gateway accepts connections; throws with the silo's output if it exits or times out.</summary>
    public async Task WaitForGatewayAsync(TimeSpan limit)
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

    /// <summary>SIGKILL: the process dies at once, as a crashed node does.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public bool HasExited => process.HasExited;

    /// <summary>Waits up to <paramref name="limit"/> for the silo to exit on its own; whether it did.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
    public int ProcessId => process.Id;

    /// <summary>SIGTERM, as Kubernetes stops a pod; waits up to <paramref name="limit"/> and returns the exit code, or null if still running.</summary>
    public async Task<int?> TerminateAsync(TimeSpan limit)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        process.WaitForExit(); // drains the redirected output
        return process.ExitCode;
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
