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

    /// <summary>A redirect to <paramref name="location"/>, sent as written (relative or absolute).</summary>
    public static Reply Redirect(string location, int status = 302) => new(status, []) { Headers = new Dictionary<string, string> { ["Location"] = location } };

    /// <summary><paramref name="content"/> gzipped on the wire, with <c>Content-Encoding: gzip</c>: small to send, large once decoded.</summary>
    public static Reply Gzipped(byte[] content, string contentType = "application/octet-stream")
    {
        using var packed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Fastest))
            gzip.Write(content);
        return new(200, packed.ToArray(), contentType) { Headers = new Dictionary<string, string> { ["Content-Encoding"] = "gzip" } };
    }

    /// <summary>Extra response headers (Location, Retry-After, Content-Encoding).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// A body the test writes itself, chunked, instead of <see cref="Body"/>: a slow one, or an endless one. The token
    /// ends with the server.
    /// </summary>
    public Func<Stream, CancellationToken, Task>? Writer { get; init; }

    /// <summary>A Content-Length to announce whatever the body is (a registry that claims more than it sends).</summary>
    public long? ClaimedLength { get; init; }

    /// <summary>Accept the request and never answer it, as a hung registry does.</summary>
    public bool NeverAnswers { get; init; }
}

/// <summary>A request the test registry received.</summary>
public sealed record ReceivedRequest(string Path, string? Authorization);

/// <summary>
/// A small HTTP server on 127.0.0.1 (HttpListener) that plays a package registry: fixed documents and archives by
/// raw path, optional credentials it insists on, and failures queued for a path before it answers.
/// </summary>
public sealed class RegistryServer : IDisposable
{
    private readonly LoopbackListener listener;
    private readonly ConcurrentDictionary<string, Func<Reply>> routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> failures = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();

    /// <summary>A registry at <paramref name="address"/>:<paramref name="port"/>, for hosts that do not share the machine's loopback (see <see cref="NetworkLab.InLabAsync"/>).</summary>
    public RegistryServer(IPAddress address, int port) => listener = new LoopbackListener(AnswerAsync, address, port);

    /// <param name="address">The loopback address to listen on; 127.0.0.2 gives a second host for tests of where a registry may send the silo.</param>
    public RegistryServer(string address = "127.0.0.1") => listener = new LoopbackListener(AnswerAsync, address);

    public Uri BaseUrl => listener.BaseUrl;

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

    private async Task AnswerAsync(HttpListenerContext context)
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
            if (reply.NeverAnswers)
            {
                await Task.Delay(Timeout.Infinite, stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                context.Response.Abort();
                return;
            }
            context.Response.StatusCode = reply.Status;
            context.Response.ContentType = reply.ContentType;
            foreach (var (name, value) in reply.Headers)
                context.Response.AddHeader(name, value);
            if (reply.Writer is { } writer)
            {
                context.Response.SendChunked = reply.ClaimedLength is null;
                if (reply.ClaimedLength is { } claimed)
                    context.Response.ContentLength64 = claimed;
                await writer(context.Response.OutputStream, stopping.Token);
                context.Response.Abort();
                return;
            }
            context.Response.ContentLength64 = reply.ClaimedLength ?? reply.Body.Length;
            context.Response.OutputStream.Write(reply.Body);
            context.Response.Close();
        }
        catch (Exception exception) when (exception is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The client went away, or the server is stopping.
            context.Response.Abort();
        }
    }

    public void Dispose()
    {
        stopping.Cancel();
        listener.Dispose();
        stopping.Dispose();
    }
}
