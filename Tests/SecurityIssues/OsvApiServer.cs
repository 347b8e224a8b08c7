using Cucos.Tests.Support;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cucos.Tests.SecurityIssues;

/// <summary>
/// A loopback OSV API speaking the protocol's two calls: <c>POST /v1/querybatch</c> answers each query with the ids
/// and <c>modified</c> of the records listed for that package version, <see cref="PageSize"/> at a time with a
/// <c>next_page_token</c>; <c>GET /v1/vulns/{id}</c> answers the record. Failures (429 with Retry-After, 5xx) and a
/// delay can be queued before the next answers.
/// </summary>
public sealed class OsvApiServer : IDisposable
{
    private readonly LoopbackListener listener;
    private readonly ConcurrentDictionary<string, string> records = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Ecosystem, string Name, string Version), string[]> hits = new();
    private readonly ConcurrentQueue<(int Status, string? RetryAfter)> failures = new();

    public OsvApiServer() => listener = new LoopbackListener(AnswerAsync);

    public Uri BaseUrl => listener.BaseUrl;
    public int PageSize { get; set; } = 1000;
    public TimeSpan Delay { get; set; }
    public ConcurrentQueue<string> Requests { get; } = new();
    public ConcurrentQueue<JsonNode> QueryBodies { get; } = new();

    /// <summary>Serves the record (validated against the OSV schema) and lists it for these package versions.</summary>
    public void Add(string record, string ecosystem, string name, params string[] versions)
    {
        OsvFixtures.AssertValid(record);
        var id = JsonDocument.Parse(record).RootElement.GetProperty("id").GetString()!;
        records[id] = record;
        foreach (var version in versions)
            hits.AddOrUpdate((ecosystem, name, version), [id], (_, known) => [.. known, id]);
    }

    public void Fail(int status, string? retryAfter = null) => failures.Enqueue((status, retryAfter));

    public int Count(string pathStart) => Requests.Count(r => r.StartsWith(pathStart, StringComparison.Ordinal));

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var path = context.Request.RawUrl ?? "/";
        Requests.Enqueue($"{context.Request.HttpMethod} {path}");
        var (status, body, retryAfter) = (404, """{"code":5,"message":"Not Found"}""", (string?)null);
        if (Delay > TimeSpan.Zero)
            await Task.Delay(Delay);
        if (failures.TryDequeue(out var failure))
            (status, body, retryAfter) = (failure.Status, """{"code":8,"message":"failure on purpose"}""", failure.RetryAfter);
        else if (context.Request.HttpMethod == "POST" && path == "/v1/querybatch")
            (status, body) = (200, QueryBatch(JsonNode.Parse(await new StreamReader(context.Request.InputStream).ReadToEndAsync())!));
        else if (context.Request.HttpMethod == "GET" && path.StartsWith("/v1/vulns/", StringComparison.Ordinal)
                 && records.TryGetValue(Uri.UnescapeDataString(path["/v1/vulns/".Length..]), out var record))
            (status, body) = (200, record);
        try
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            if (retryAfter is not null)
                context.Response.Headers["Retry-After"] = retryAfter;
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception exception) when (exception is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away (a cancelled slow answer).
        }
    }

    private string QueryBatch(JsonNode request)
    {
        QueryBodies.Enqueue(request);
        var results = new JsonArray();
        foreach (var query in request["queries"]!.AsArray())
        {
            var key = ((string)query!["package"]!["ecosystem"]!, (string)query["package"]!["name"]!, (string)query["version"]!);
            var ids = hits.GetValueOrDefault(key, []);
            var offset = query["page_token"] is { } token ? int.Parse(((string)token!)[1..], System.Globalization.CultureInfo.InvariantCulture) : 0;
            var page = ids.Skip(offset).Take(PageSize).ToList();
            var result = new JsonObject
            {
                ["vulns"] = new JsonArray([.. page.Select(id => (JsonNode)new JsonObject
                {
                    ["id"] = id,
                    ["modified"] = JsonDocument.Parse(records[id]).RootElement.GetProperty("modified").GetString(),
                })]),
            };
            if (offset + PageSize < ids.Length)
                result["next_page_token"] = "p" + (offset + PageSize);
            results.Add(result);
        }
        return new JsonObject { ["results"] = results }.ToJsonString();
    }

    public void Dispose() => listener.Dispose();
}
