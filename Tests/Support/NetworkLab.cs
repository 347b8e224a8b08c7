using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Cucos.Tests.Support;

/// <summary>
/// Hosts on network namespaces, as in a Kubernetes cluster: a namespace of the lab's own holds a bridge (and the lab's
/// address, .1), and each host is a namespace with a veth into the bridge and its own address on a private /24
/// chosen at random. Nothing is added to the machine's own network: every interface lives in a lab namespace, and
/// deleting the namespaces (<see cref="DisposeAsync"/>, after killing what still runs in them) removes it all.
/// The test process reaches the lab through sockets created in the bridge namespace (<see cref="ConnectAsync"/>,
/// <see cref="CreateHttpClient"/>), and the lab reaches the test's servers opened in the bridge namespace (<see cref="InLabAsync"/>).
/// </summary>
public sealed class NetworkLab : IAsyncDisposable
{
    private const int NetworkNamespaceFlag = 0x40000000; // CLONE_NEWNET
    private readonly string prefix = "cucos-" + Guid.NewGuid().ToString("N")[..6];
    private readonly List<string> namespaces = [];
    private readonly SocketFactoryThread sockets;

    private NetworkLab(int subnet)
    {
        Subnet = subnet;
        BridgeNamespace = prefix + "-br";
        sockets = new SocketFactoryThread(BridgeNamespace);
    }

    /// <summary>The third octet of the lab's network 10.231.X.0/24.</summary>
    public int Subnet { get; }

    public string BridgeNamespace { get; }

    /// <summary>The lab's own address on the bridge: where servers opened by <see cref="InLabAsync"/> are reached.</summary>
    public IPAddress Address => AddressOf(1);

    /// <summary>Why the lab cannot run here, or null when it can: namespaces need root and the <c>ip</c> tool (iproute2).</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux())
            return "network namespaces are a Linux feature.";
        if (Environment.UserName != "root")
            return "creating network namespaces needs root; run the tests as root (CI does).";
        if (!File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip"))
            return "the ip tool is missing; install iproute2 (listed in .ci/apt-packages).";
        return null;
    }

    public static async Task<NetworkLab> CreateAsync()
    {
        var lab = new NetworkLab(Random.Shared.Next(0, 256));
        try
        {
            await lab.AddNamespaceAsync(lab.BridgeNamespace);
            await lab.InBridgeAsync("link", "add", "br0", "type", "bridge");
            await lab.InBridgeAsync("addr", "add", $"{lab.Address}/24", "dev", "br0");
            await lab.InBridgeAsync("link", "set", "br0", "up");
            await lab.InBridgeAsync("link", "set", "lo", "up");
            lab.sockets.Start();
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>A host: its own namespace, address 10.231.X.<paramref name="number"/>, and a veth into the bridge.</summary>
    public async Task<LabHost> AddHostAsync(string name, int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, 254);
        var host = new LabHost(this, $"{prefix}-{name}", $"v{number}", AddressOf(number));
        await AddNamespaceAsync(host.Namespace);
        // Both ends are created inside lab namespaces: no interface ever appears in the machine's own namespace.
        await InBridgeAsync("link", "add", host.BridgePort, "type", "veth", "peer", "name", "eth0", "netns", host.Namespace);
        await InBridgeAsync("link", "set", host.BridgePort, "master", "br0");
        await InBridgeAsync("link", "set", host.BridgePort, "up");
        await RunAsync("ip", "-n", host.Namespace, "addr", "add", $"{host.Address}/24", "dev", "eth0");
        await RunAsync("ip", "-n", host.Namespace, "link", "set", "eth0", "up");
        await RunAsync("ip", "-n", host.Namespace, "link", "set", "lo", "up");
        return host;
    }

    public IPAddress AddressOf(int number) => IPAddress.Parse($"10.231.{Subnet}.{number}");

    /// <summary>A TCP connection from the lab's own namespace, so the test reaches any host of the lab.</summary>
    public async Task<Socket> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = await sockets.CreateAsync(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>An HttpClient whose connections start in the lab, for the HTTP API of a silo on a lab host.</summary>
    public HttpClient CreateHttpClient(Uri baseAddress, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var address = IPAddress.Parse(context.DnsEndPoint.Host);
                return new NetworkStream(await ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken), ownsSocket: true);
            },
            PooledConnectionLifetime = TimeSpan.FromSeconds(30),
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = timeout };
    }

    /// <summary>
    /// Runs <paramref name="create"/> on a thread inside the lab's own namespace: the sockets it opens (a server's
    /// listener, say) live there, reachable from every host at <see cref="Address"/>, wherever they are used afterwards.
    /// </summary>
    public Task<T> InLabAsync<T>(Func<T> create) => sockets.CreateAsync(create);

    /// <summary>The lab's view of one host's link: down is a network partition of that host from all the others.</summary>
    internal Task SetLinkAsync(LabHost host, bool up) => InBridgeAsync("link", "set", host.BridgePort, up ? "up" : "down");

    private async Task AddNamespaceAsync(string name)
    {
        await RunAsync("ip", "netns", "add", name);
        namespaces.Add(name);
    }

    private Task InBridgeAsync(params string[] arguments) => RunAsync("ip", ["-n", BridgeNamespace, .. arguments]);

    internal static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}{await output}");
        return await output;
    }

    public async ValueTask DisposeAsync()
    {
        sockets.Dispose();
        // Hosts first, the bridge last; whatever a failed test left running in a namespace is killed, or the namespace
        // (and its veth) would live on with it.
        foreach (var name in Enumerable.Reverse(namespaces))
        {
            try
            {
                foreach (var pid in (await RunAsync("ip", "netns", "pids", name)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    using (var process = Process.GetProcessById(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture)))
                    {
                        process.Kill(entireProcessTree: true);
                        await process.WaitForExitAsync();
                    }
            }
            catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
            {
                // Gone already, or exited between listing and killing.
            }
            await RunAsync("ip", "netns", "del", name);
        }
    }

    /// <summary>
    /// One thread that entered the bridge namespace (setns) and creates sockets (and servers) there: a socket belongs to the namespace
    /// of the thread that created it, and keeps it wherever it is used afterwards.
    /// </summary>
    private sealed class SocketFactoryThread(string networkNamespace) : IDisposable
    {
        private readonly System.Collections.Concurrent.BlockingCollection<Action> work = [];
        private Thread? thread;

        public void Start()
        {
            using var entered = new ManualResetEventSlim();
            Exception? failure = null;
            thread = new Thread(() =>
            {
                try
                {
                    using var handle = File.OpenHandle($"/var/run/netns/{networkNamespace}");
                    if (NativeMethods.setns((int)handle.DangerousGetHandle(), NetworkNamespaceFlag) != 0)
                        throw new InvalidOperationException($"setns into {networkNamespace} failed with errno {Marshal.GetLastPInvokeError()}.");
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    failure = exception;
                    return;
                }
                finally
                {
                    entered.Set();
                }
                foreach (var item in work.GetConsumingEnumerable())
                    item();
            }) { IsBackground = true, Name = "network-lab sockets" };
            thread.Start();
            entered.Wait();
            if (failure is not null)
                throw new InvalidOperationException($"could not enter the lab's namespace {networkNamespace}: {failure.Message}", failure);
        }

        public Task<T> CreateAsync<T>(Func<T> create)
        {
            var created = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            work.Add(() =>
            {
                try
                {
                    created.SetResult(create());
                }
#pragma warning disable CA1031 // whatever the factory throws is the caller's, through its task
                catch (Exception exception)
                {
                    created.SetException(exception);
                }
#pragma warning restore CA1031
            });
            return created.Task;
        }

        public void Dispose()
        {
            work.CompleteAdding();
            thread?.Join();
            work.Dispose();
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code enabled in the test project for one call.
        public static extern int setns(int fd, int nstype);
#pragma warning restore SYSLIB1054
    }
}

/// <summary>A host of a <see cref="NetworkLab"/>: a namespace with one address.</summary>
public sealed class LabHost(NetworkLab lab, string networkNamespace, string bridgePort, IPAddress address)
{
    public string Namespace { get; } = networkNamespace;
    public IPAddress Address { get; } = address;
    internal string BridgePort { get; } = bridgePort;

    /// <summary>Cuts the host off from every other host and the lab (its bridge port goes down), as a failed switch port does.</summary>
    public Task PartitionAsync() => lab.SetLinkAsync(this, up: false);

    public Task HealAsync() => lab.SetLinkAsync(this, up: true);
}
