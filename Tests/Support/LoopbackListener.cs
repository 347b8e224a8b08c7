using System.Net;
using System.Net.Sockets;

namespace Cucos.Tests.Support;

/// <summary>
/// The HTTP listener every protocol server of the tests (registries, OSV, GitHub, BigQuery) stands on: it binds a free
/// port (trying again when another process takes it between asking and binding), hands each request to the server's
/// answer on the thread pool, and stops waiting for its accept loop.
/// </summary>
public sealed class LoopbackListener : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Func<HttpListenerContext, Task> answer;
    private readonly Task loop;

    /// <param name="address">The loopback address to listen on; 127.0.0.2 gives a second host.</param>
    public LoopbackListener(Func<HttpListenerContext, Task> answer, string address = "127.0.0.1")
    {
        this.answer = answer;
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort(IPAddress.Parse(address));
            listener.Prefixes.Clear();
            listener.Prefixes.Add($"http://{address}:{port}/");
            try
            {
                listener.Start();
                BaseUrl = new Uri($"http://{address}:{port}/");
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
        loop = Task.Run(ServeAsync);
    }

    /// <summary>At an address and port given, for hosts that do not share the machine's loopback (see <see cref="NetworkLab.InLabAsync"/>).</summary>
    public LoopbackListener(Func<HttpListenerContext, Task> answer, IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        this.answer = answer;
        BaseUrl = new Uri($"http://{address}:{port}/");
        listener.Prefixes.Add(BaseUrl.AbsoluteUri);
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    /// <summary>http://ADDRESS:PORT/</summary>
    public Uri BaseUrl { get; }

    /// <summary>http://ADDRESS:PORT, without the trailing slash.</summary>
    public string Origin => BaseUrl.GetLeftPart(UriPartial.Authority);

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => answer(context));
        }
    }

    private static int FreePort(IPAddress address)
    {
        using var socket = new TcpListener(address, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        listener.Close();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }
}
