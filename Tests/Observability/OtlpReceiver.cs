using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Cucos.Grains.Hosting;

namespace Cucos.Tests.Observability;

/// <summary>
/// A small OTLP/HTTP collector on a free loopback port: it accepts protobuf exports on <c>/v1/metrics</c>,
/// <c>/v1/traces</c> and <c>/v1/logs</c>, answers each with an empty (valid) export response, and keeps the bodies.
/// Protobuf carries names as plain UTF-8, so a test can look for an instrument or span name in the bytes.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private static readonly string[] Signals = ["/v1/metrics", "/v1/traces", "/v1/logs"];
    private readonly HttpListener listener = new();
    private readonly ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> exports = new();
    private readonly Task serving;

    public OtlpReceiver()
    {
        Port = CucosEmbeddedCluster.FreeLoopbackPort();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        serving = Task.Run(ServeAsync);
    }

    public int Port { get; }
    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>The bodies received on <paramref name="path"/> so far.</summary>
    public IReadOnlyList<byte[]> Bodies(string path) => [.. exports.Where(e => e.Path == path).Select(e => e.Body)];

    public IReadOnlyList<string?> ContentTypes => [.. exports.Select(e => e.ContentType).Distinct()];

    /// <summary>True once some body received on <paramref name="path"/> contains every one of <paramref name="names"/>.</summary>
    public bool Received(string path, params string[] names) =>
        names.All(name => Bodies(path).Any(body => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(name)) >= 0));

    public async Task<bool> WaitForAsync(string path, string[] names, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            if (Received(path, names))
                return true;
            await Task.Delay(250);
        }
        return Received(path, names);
    }

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
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var path = context.Request.Url!.AbsolutePath;
            var known = context.Request.HttpMethod == "POST" && Signals.Contains(path);
            if (known)
                exports.Enqueue((path, context.Request.ContentType, body.ToArray()));
            context.Response.StatusCode = known ? 200 : 404;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await serving;
    }
}
