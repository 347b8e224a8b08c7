using Cucos.Tests.Support;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cucos.Tests.Usage;

/// <summary>
/// A loopback BigQuery REST API and OAuth2 token endpoint. <c>POST /token</c> checks the RFC 7523 assertion (RS256
/// signature against the service account's public key, issuer, audience, scope, lifetime) and issues access tokens
/// that expire after <see cref="TokenLifetime"/> or when <see cref="ExpireTokens"/> is called (then BigQuery answers 401).
/// <c>POST /bigquery/v2/projects/{p}/queries</c> (jobs.query) creates a job over <see cref="Rows"/>;
/// <c>GET .../queries/{job}</c> (jobs.getQueryResults) answers <c>jobComplete: false</c> <see cref="IncompletePolls"/>
/// times, then the rows <see cref="PageSize"/> at a time with a <c>pageToken</c>. Failures can be queued, and a page
/// can be held until released (a silo stopped mid-refresh).
/// </summary>
public sealed class BigQueryServer : IDisposable
{
    public const string Project = "cucos-test-project";
    private readonly LoopbackListener listener;
    private readonly RSA publicKey;
    private readonly ConcurrentDictionary<string, DateTimeOffset> tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> polls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(int Status, string Body)> failures = new();
    private int tokenNumber;
    private int jobNumber;

    public BigQueryServer(RSA publicKey)
    {
        this.publicKey = publicKey;
        listener = new LoopbackListener(AnswerAsync);
    }

    public Uri Root => listener.BaseUrl;
    public Uri BaseUrl => new(Root, "bigquery/v2/");
    public Uri TokenUrl => new(Root, "token");
    public List<(string Package, long Repositories)> Rows { get; } = [];
    public int PageSize { get; set; } = 2;
    public int IncompletePolls { get; set; }
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);
    /// <summary>The request for the page at this token waits for <see cref="Release"/>.</summary>
    public string? HoldPageToken { get; set; }
    private readonly TaskCompletionSource held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource HoldReached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every request: method, path and query, and the Authorization header's token (or "-").</summary>
    public ConcurrentQueue<(string Method, string PathAndQuery, string Token)> Requests { get; } = new();
    public ConcurrentQueue<string> Assertions { get; } = new();
    public ConcurrentQueue<string> Queries { get; } = new();
    public int TokensIssued => tokenNumber;

    public void Fail(int status, string reason, string message) => failures.Enqueue((status,
        new JsonObject { ["error"] = new JsonObject { ["code"] = status, ["message"] = message, ["errors"] = new JsonArray(new JsonObject { ["reason"] = reason, ["message"] = message }) } }.ToJsonString()));

    public void ExpireTokens()
    {
        foreach (var token in tokens.Keys)
            tokens[token] = DateTimeOffset.MinValue;
    }

    public void Release() => held.TrySetResult();

    public int Count(string method, string pathPart) => Requests.Count(r => r.Method == method && r.PathAndQuery.Contains(pathPart, StringComparison.Ordinal));

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath;
        var bearer = request.Headers["Authorization"] is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : "-";
        Requests.Enqueue((request.HttpMethod, request.Url.PathAndQuery, bearer));
        try
        {
            string body;
            using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
                body = await reader.ReadToEndAsync();
            if (path == "/token" && request.HttpMethod == "POST")
            {
                await TokenAsync(context, body);
                return;
            }
            if (!tokens.TryGetValue(bearer, out var expires) || expires <= DateTimeOffset.UtcNow)
            {
                await WriteAsync(context, 401, """{"error":{"code":401,"message":"Request had invalid authentication credentials.","errors":[{"reason":"authError"}],"status":"UNAUTHENTICATED"}}""");
                return;
            }
            if (failures.TryDequeue(out var failure))
            {
                await WriteAsync(context, failure.Status, failure.Body);
                return;
            }
            var prefix = $"/bigquery/v2/projects/{Project}/queries";
            if (path == prefix && request.HttpMethod == "POST")
            {
                var query = JsonNode.Parse(body)!;
                Queries.Enqueue(query["query"]!.GetValue<string>());
                var job = "job-" + Interlocked.Increment(ref jobNumber);
                polls[job] = IncompletePolls;
                if (IncompletePolls > 0)
                {
                    polls[job] = IncompletePolls - 1;
                    await WriteAsync(context, 200, Incomplete(job));
                }
                else
                    await WriteAsync(context, 200, Page(job, 0));
                return;
            }
            if (path.StartsWith(prefix + "/", StringComparison.Ordinal) && request.HttpMethod == "GET")
            {
                var job = path[(prefix.Length + 1)..];
                if (!polls.TryGetValue(job, out var remaining))
                {
                    await WriteAsync(context, 404, $$$"""{"error":{"code":404,"message":"Not found: Job {{{job}}}","errors":[{"reason":"notFound"}]}}""");
                    return;
                }
                if (remaining > 0)
                {
                    polls[job] = remaining - 1;
                    await WriteAsync(context, 200, Incomplete(job));
                    return;
                }
                var token = request.QueryString["pageToken"];
                if (token is not null && token == HoldPageToken)
                {
                    HoldReached.TrySetResult();
                    await held.Task;
                }
                await WriteAsync(context, 200, Page(job, token is null ? 0 : int.Parse(token[1..], System.Globalization.CultureInfo.InvariantCulture)));
                return;
            }
            await WriteAsync(context, 404, """{"error":{"code":404,"message":"no such route"}}""");
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client went away (a silo stopped mid-request).
        }
    }

    private async Task TokenAsync(HttpListenerContext context, string body)
    {
        var form = body.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p.Length > 1 ? p[1] : ""));
        if (form.GetValueOrDefault("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" || form.GetValueOrDefault("assertion") is not { } assertion)
        {
            await WriteAsync(context, 400, """{"error":"unsupported_grant_type","error_description":"Invalid grant_type."}""");
            return;
        }
        Assertions.Enqueue(assertion);
        var problem = CheckAssertion(assertion);
        if (problem is not null)
        {
            await WriteAsync(context, 400, new JsonObject { ["error"] = "invalid_grant", ["error_description"] = problem }.ToJsonString());
            return;
        }
        var token = "ya29.test-" + Interlocked.Increment(ref tokenNumber);
        tokens[token] = DateTimeOffset.UtcNow + TokenLifetime;
        await WriteAsync(context, 200, new JsonObject { ["access_token"] = token, ["expires_in"] = (long)TokenLifetime.TotalSeconds, ["token_type"] = "Bearer" }.ToJsonString());
    }

    private string? CheckAssertion(string assertion)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
            return "not a JWT";
        var header = JsonNode.Parse(FromBase64Url(parts[0]))!;
        if (header["alg"]?.GetValue<string>() != "RS256")
            return "alg is not RS256";
        if (!publicKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            return "Invalid JWT Signature.";
        var claims = JsonNode.Parse(FromBase64Url(parts[1]))!;
        if (claims["aud"]?.GetValue<string>() != TokenUrl.ToString())
            return "Invalid JWT: audience";
        if (claims["iss"]?.GetValue<string>() != ServiceAccount.Email)
            return "Invalid JWT: issuer";
        if (claims["scope"]?.GetValue<string>() is not { Length: > 0 })
            return "Invalid JWT: no scope";
        var iat = claims["iat"]!.GetValue<long>();
        var exp = claims["exp"]!.GetValue<long>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return exp <= iat || exp - iat > 3600 || iat > now + 60 || exp < now ? "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe." : null;
    }

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - padded.Length % 4) % 4));
    }

    private static string Incomplete(string job) => new JsonObject
    {
        ["kind"] = "bigquery#getQueryResultsResponse",
        ["jobReference"] = new JsonObject { ["projectId"] = Project, ["jobId"] = job, ["location"] = "US" },
        ["jobComplete"] = false,
    }.ToJsonString();

    private string Page(string job, int start)
    {
        var rows = new JsonArray();
        foreach (var (package, repositories) in Rows.Skip(start).Take(PageSize))
            rows.Add(new JsonObject { ["f"] = new JsonArray(new JsonObject { ["v"] = package }, new JsonObject { ["v"] = repositories.ToString(System.Globalization.CultureInfo.InvariantCulture) }) });
        var page = new JsonObject
        {
            ["kind"] = "bigquery#queryResponse",
            ["schema"] = new JsonObject { ["fields"] = new JsonArray(new JsonObject { ["name"] = "package", ["type"] = "STRING" }, new JsonObject { ["name"] = "repositories", ["type"] = "INTEGER" }) },
            ["jobReference"] = new JsonObject { ["projectId"] = Project, ["jobId"] = job, ["location"] = "US" },
            ["totalRows"] = Rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["rows"] = rows,
            ["jobComplete"] = true,
        };
        if (start + PageSize < Rows.Count)
            page["pageToken"] = "p" + (start + PageSize);
        return page.ToJsonString();
    }

    private static async Task WriteAsync(HttpListenerContext context, int status, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    public void Dispose()
    {
        held.TrySetResult();
        listener.Dispose();
    }
}

/// <summary>A throwaway service account: its RSA key and the JSON key file the cloud console would hand out.</summary>
public sealed class ServiceAccount : IDisposable
{
    public const string Email = "usage-refresh@cucos-test-project.iam.gserviceaccount.test";

    public RSA Key { get; } = RSA.Create(2048);

    public string KeyJson(Uri tokenUri) => new JsonObject
    {
        ["type"] = "service_account",
        ["project_id"] = BigQueryServer.Project,
        ["private_key_id"] = "0123456789abcdef",
        ["private_key"] = Key.ExportPkcs8PrivateKeyPem(),
        ["client_email"] = Email,
        ["token_uri"] = tokenUri.ToString(),
    }.ToJsonString();

    /// <summary>A line of the PEM body: text that must never appear in a log, result or error.</summary>
    public string KeyFragment => Key.ExportPkcs8PrivateKeyPem().Split('\n')[3];

    public void Dispose() => Key.Dispose();
}
