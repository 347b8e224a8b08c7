using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Cucos.Tests.Support;

/// <summary>One answer of the test registry.</summary>
public sealed record Reply(int Status, byte[] Body, string ContentType = "application/octet-stream")
{
    public static Reply Json(object document) => new(200, JsonSerializer.SerializeToUtf8Bytes(document), "application/json");
    public static Reply Text(string text, string contentType = "text/plain") => new(200, Encoding.UTF8.GetBytes(text), contentType);
    public static Reply File(byte[] content) => new(200, content);
}

/// <summary>A request the test registry received.</summary>
public sealed record ReceivedRequest(string Path, string? Authorization);

/// <summary>
/// A small HTTP server on 127.0.0.1 (HttpListener) that plays a package registry: fixed documents and archives by
/// raw path, optional credentials it insists on, and failures queued for a path before it answers.
/// </summary>
public sealed class RegistryServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly ConcurrentDictionary<string, Func<Reply>> routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> failures = new(StringComparer.Ordinal);
    private readonly Task loop;

    public RegistryServer()
    {
        // A port can be taken between asking and binding: try a few.
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            listener.Prefixes.Clear();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                BaseUrl = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
        loop = Task.Run(ServeAsync);
    }

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>The Authorization header every request must carry; others get 401.</summary>
    public string? RequiredAuthorization { get; set; }

    public string Url(string path) => new Uri(BaseUrl, path).AbsoluteUri;

    public void Map(string path, Reply reply) => routes[path] = () => reply;

    public void Map(string path, Func<Reply> reply) => routes[path] = reply;

    /// <summary>The next requests for <paramref name="path"/> get these statuses, in order, before the mapped reply.</summary>
    public void FailFirst(string path, params int[] statuses)
    {
        var queue = failures.GetOrAdd(path, _ => new ConcurrentQueue<int>());
        foreach (var status in statuses)
            queue.Enqueue(status);
    }

    public int CountRequests(string path) => Requests.Count(r => r.Path == path);

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
            _ = Task.Run(() => Answer(context));
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var path = (context.Request.RawUrl ?? "/").Split('?')[0];
        var authorization = context.Request.Headers["Authorization"];
        Requests.Enqueue(new ReceivedRequest(path, authorization));
        Reply reply;
        if (RequiredAuthorization is { } required && authorization != required)
            reply = new Reply(401, Encoding.UTF8.GetBytes("{\"error\":\"unauthorized\"}"), "application/json");
        else if (failures.TryGetValue(path, out var queue) && queue.TryDequeue(out var status))
            reply = new Reply(status, Encoding.UTF8.GetBytes("{\"error\":\"failure on purpose\"}"), "application/json");
        else if (routes.TryGetValue(path, out var route))
            reply = route();
        else
            reply = new Reply(404, Encoding.UTF8.GetBytes("{\"error\":\"Not found\"}"), "application/json");
        try
        {
            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = reply.ContentType;
            context.Response.ContentLength64 = reply.Body.Length;
            context.Response.OutputStream.Write(reply.Body);
            context.Response.Close();
        }
        catch (Exception exception) when (exception is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away.
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
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
