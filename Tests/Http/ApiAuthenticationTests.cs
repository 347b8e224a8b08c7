using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cucos.Client.Http;
using Cucos.State;
using Cucos.Tests.Support;
using Cucos.Tests.TestTasks;

namespace Cucos.Tests.HttpApi;

/// <summary>
/// A silo process with authentication on: two API keys (reader, operator) stored as hashes, and bearer JWTs checked
/// against a JWKS served on loopback. Its packages come from <see cref="LoopbackPackages"/>, its test tasks from this assembly.
/// </summary>
public sealed class AuthenticatedSiloFixture : IAsyncLifetime
{
    public const string Issuer = "https://issuer.test/";
    public const string Audience = "cucos-api";
    public const string ReaderKey = "reader-key-5b0f8c2e6d3a4f1b9e7c";
    public const string OperatorKey = "operator-key-2d9a7e1c5b3f4a6e8d0b";

    private readonly TempDirectory cache = new("cucos-auth-cache");

    public LoopbackPackages Packages { get; } = new();
    public RegistryServer Jwks { get; } = new();
    public RSA SigningKey { get; } = RSA.Create(2048);
    public RSA OtherKey { get; } = RSA.Create(2048);
    public SiloProcess Silo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var parameters = SigningKey.ExportParameters(false);
        Jwks.Map("/jwks.json", Reply.Json(new
        {
            keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = "k1", n = Base64Url(parameters.Modulus!), e = Base64Url(parameters.Exponent!) } },
        }));
        var environment = Packages.SiloEnvironment();
        environment["Cucos__Api__Authentication__Enabled"] = "true";
        environment["Cucos__Api__Keys__dashboards__Hash"] = Sha256Hex(ReaderKey);
        environment["Cucos__Api__Keys__dashboards__Role"] = "reader";
        environment["Cucos__Api__Keys__ci__Hash"] = "sha256:" + Sha256Hex(OperatorKey);
        environment["Cucos__Api__Keys__ci__Role"] = "Operator";
        environment["Cucos__Api__Jwt__Issuer"] = Issuer;
        environment["Cucos__Api__Jwt__Audience"] = Audience;
        environment["Cucos__Api__Jwt__JwksUrl"] = Jwks.Url("/jwks.json");
        environment["Cucos__Api__IncludeStackTraces"] = "true";
        environment["Cucos__TaskAssemblies"] = typeof(TestTaskModule).Assembly.Location;
        Silo = await SiloProcess.StartAsync(cache.Path, "auth-" + Guid.NewGuid().ToString("N")[..8], environment);
        await HttpWait.ReadyAsync(Silo, TimeSpan.FromSeconds(60));
    }

    public static string Sha256Hex(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))).ToLowerInvariant();

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A compact RS256 JWT, signed by <paramref name="key"/>, with the given claims.</summary>
    public static string Token(RSA key, string issuer, string audience, DateTimeOffset expires, params string[] roles)
    {
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256", typ = "JWT", kid = "k1" }));
        var now = DateTimeOffset.UtcNow;
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = issuer, ["aud"] = audience, ["sub"] = "someone@example.test", ["roles"] = roles,
            ["iat"] = (expires < now ? expires.AddHours(-1) : now).ToUnixTimeSeconds(),
            ["nbf"] = (expires < now ? expires.AddHours(-1) : now).ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
        }));
        var signature = key.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{payload}.{Base64Url(signature)}";
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        Packages.Dispose();
        Jwks.Dispose();
        SigningKey.Dispose();
        OtherKey.Dispose();
        cache.Dispose();
    }
}

/// <summary>Every route with no credentials, a reader key, an operator key, JWTs good and bad; and cancel over HTTP.</summary>
[Trait("Category", "Processes")]
public sealed class ApiAuthenticationTests(AuthenticatedSiloFixture fixture) : IClassFixture<AuthenticatedSiloFixture>
{
    private const string UnknownId = "0123456789abcdef0123456789abcdef";

    /// <summary>Each route of ours and a request it takes; the ids need not exist, since the answer is decided before the handler.</summary>
    private static readonly (string Method, string Path)[] Routes =
    [
        ("GET", "api/v1/analyses"),
        ("GET", "api/v1/analyses?ecosystem=npm&name=left-pad&version=1.0.0"),
        ("GET", $"api/v1/analyses/{UnknownId}"),
        ("GET", $"api/v1/analyses/{UnknownId}/results/digests"),
        ("POST", "api/v1/analyses"),
        ("POST", $"api/v1/analyses/{UnknownId}/cancel"),
        ("GET", "metrics"),
        ("GET", "openapi/v1.json"),
    ];

    private HttpClient Client(Action<HttpRequestHeaders>? credentials = null)
    {
        var http = new HttpClient { BaseAddress = fixture.Silo.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
        credentials?.Invoke(http.DefaultRequestHeaders);
        return http;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string method, string path) => method == "POST"
        ? http.PostAsync(path, path.EndsWith("/cancel", StringComparison.Ordinal) ? null
            : new StringContent("""{"ecosystem": "npm", "name": "@acme/widget", "version": "1.0.0", "tasks": ["digests"]}""", Encoding.UTF8, "application/json"))
        : http.GetAsync(path);

    private static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // no stack trace
        return JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task Without_credentials_every_route_but_health_is_401_with_a_problem_saying_what_to_send()
    {
        using var http = Client();
        foreach (var (method, path) in Routes)
        {
            using var response = await SendAsync(http, method, path);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)response.StatusCode}");
            Assert.Contains("X-Api-Key", await DetailAsync(response), StringComparison.Ordinal);
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
        foreach (var health in new[] { "health/live", "health/ready" })
        {
            using var response = await http.GetAsync(health);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Every_route_of_the_openapi_document_is_covered_whoever_mapped_it()
    {
        using var reader = Client(headers => headers.Add(CucosHttpClient.ApiKeyHeader, AuthenticatedSiloFixture.ReaderKey));
        var document = JsonDocument.Parse(await reader.GetStringAsync("openapi/v1.json")).RootElement;
        using var anonymous = Client();
        var seen = 0;
        foreach (var route in document.GetProperty("paths").EnumerateObject())
        {
            Assert.DoesNotContain("dashboard", route.Name, StringComparison.OrdinalIgnoreCase);
            var path = route.Name.TrimStart('/').Replace("{analysisId}", UnknownId, StringComparison.Ordinal).Replace("{taskName}", "digests", StringComparison.Ordinal);
            foreach (var operation in route.Value.EnumerateObject())
            {
                using var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(operation.Name.ToUpperInvariant()), path));
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{operation.Name} {route.Name}: {(int)response.StatusCode}");
                seen++;
            }
        }
        Assert.True(seen >= 5, $"only {seen} operations in the OpenAPI document");
    }

    [Fact]
    public async Task A_reader_key_may_read_but_not_start_or_cancel()
    {
        using var http = Client(headers => headers.Add(CucosHttpClient.ApiKeyHeader, AuthenticatedSiloFixture.ReaderKey));
        foreach (var (method, path) in Routes)
        {
            using var response = await SendAsync(http, method, path);
            if (method == "GET")
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode}");
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {(int)response.StatusCode}");
                var detail = await DetailAsync(response);
                Assert.Contains("'dashboards'", detail, StringComparison.Ordinal);
                Assert.Contains("operator", detail, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task An_operator_key_may_do_everything_also_as_a_bearer_token()
    {
        using var header = Client(headers => headers.Add(CucosHttpClient.ApiKeyHeader, AuthenticatedSiloFixture.OperatorKey));
        using var bearer = Client(headers => headers.Authorization = new AuthenticationHeaderValue("Bearer", AuthenticatedSiloFixture.OperatorKey));
        foreach (var http in new[] { header, bearer })
            foreach (var (method, path) in Routes)
            {
                using var response = await SendAsync(http, method, path);
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound or HttpStatusCode.Accepted, $"{method} {path}: {(int)response.StatusCode}");
            }
    }

    [Fact]
    public async Task A_wrong_key_is_refused_without_being_repeated()
    {
        using var http = Client(headers => headers.Add(CucosHttpClient.ApiKeyHeader, "not-a-key-of-ours"));
        using var response = await http.GetAsync("api/v1/analyses");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var detail = await DetailAsync(response);
        Assert.Contains("not one of this cluster's keys", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-key-of-ours", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("good", "operator", HttpStatusCode.Accepted, null)]
    [InlineData("good", "reader", HttpStatusCode.Forbidden, "operator")]
    [InlineData("expired", "operator", HttpStatusCode.Unauthorized, "expired")]
    [InlineData("wrong-issuer", "operator", HttpStatusCode.Unauthorized, "issuer")]
    [InlineData("wrong-audience", "operator", HttpStatusCode.Unauthorized, "audience")]
    [InlineData("other-key", "operator", HttpStatusCode.Unauthorized, "signature")]
    public async Task Bearer_jwts_are_checked_for_issuer_audience_expiry_signature_and_role(string kind, string role, HttpStatusCode expected, string? detailWord)
    {
        var inAnHour = DateTimeOffset.UtcNow.AddHours(1);
        var token = kind switch
        {
            "expired" => AuthenticatedSiloFixture.Token(fixture.SigningKey, AuthenticatedSiloFixture.Issuer, AuthenticatedSiloFixture.Audience, DateTimeOffset.UtcNow.AddMinutes(-10), role),
            "wrong-issuer" => AuthenticatedSiloFixture.Token(fixture.SigningKey, "https://elsewhere.test/", AuthenticatedSiloFixture.Audience, inAnHour, role),
            "wrong-audience" => AuthenticatedSiloFixture.Token(fixture.SigningKey, AuthenticatedSiloFixture.Issuer, "another-api", inAnHour, role),
            "other-key" => AuthenticatedSiloFixture.Token(fixture.OtherKey, AuthenticatedSiloFixture.Issuer, AuthenticatedSiloFixture.Audience, inAnHour, role),
            _ => AuthenticatedSiloFixture.Token(fixture.SigningKey, AuthenticatedSiloFixture.Issuer, AuthenticatedSiloFixture.Audience, inAnHour, role),
        };
        using var http = Client(headers => headers.Authorization = new AuthenticationHeaderValue("Bearer", token));

        using var start = await SendAsync(http, "POST", "api/v1/analyses");
        using var read = await http.GetAsync("api/v1/analyses");

        Assert.True(start.StatusCode == expected, $"{kind}/{role}: {(int)start.StatusCode} {await start.Content.ReadAsStringAsync()}");
        if (detailWord is not null)
            Assert.Contains(detailWord, await DetailAsync(start), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(expected == HttpStatusCode.Unauthorized ? HttpStatusCode.Unauthorized : HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Cancel_over_http_stops_a_running_analysis_once_and_the_list_shows_it_cancelled()
    {
        using var key = CucosHttpClient.CreateHttpClient(fixture.Silo.HttpAddress, new Client.CucosClientOptions { ApiKey = AuthenticatedSiloFixture.OperatorKey });
        var cucos = new CucosHttpClient(key);
        var ticket = await cucos.StartAnalysisAsync(Messages.AnalysisRequest.ParsePackage("npm:@acme/widget@1.0.0", force: true, tasks: ["blocks", "digests"]));
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            while ((await cucos.GetAnalysisAsync(ticket.AnalysisId, wait.Token))!.Tasks.GetValueOrDefault("blocks")?.Status != AnalysisTaskStatus.Running
                   || !fixture.Silo.Output.Contains("blocks: waiting for the cancel", StringComparison.Ordinal))
                await Task.Delay(100, wait.Token);

        using var cancel = await key.PostAsync($"api/v1/analyses/{ticket.AnalysisId}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var analysis = await cucos.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);
        using var again = await key.PostAsync($"api/v1/analyses/{ticket.AnalysisId}/cancel", null);

        Assert.Equal(AnalysisStatus.Cancelled, analysis.Status);
        Assert.Equal("Cucos.Cancelled", analysis.Tasks["blocks"].Error!.Type);
        Assert.True(await fixture.Silo.WaitForOutputAsync("stopped: its analysis was cancelled", TimeSpan.FromSeconds(30)), fixture.Silo.Output);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(analysis.Revision, JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("revision").GetInt64());

        using var list = await key.GetAsync($"api/v1/analyses?status=cancelled&ecosystem=npm&name={Uri.EscapeDataString("@acme/widget")}&limit=1");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var page = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(ticket.AnalysisId, page.GetProperty("analyses")[0].GetProperty("analysis_id").GetString());
        Assert.Equal("cancelled", page.GetProperty("analyses")[0].GetProperty("status").GetString());

        var finished = await cucos.StartAnalysisAsync(Messages.AnalysisRequest.ParsePackage("npm:@acme/widget@1.0.0", force: true, tasks: ["digests"]));
        await cucos.WaitForCompletionAsync(finished.AnalysisId, timeout.Token);
        using var late = await key.PostAsync($"api/v1/analyses/{finished.AnalysisId}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("finished as succeeded", await DetailAsync(late), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status=done", "status 'done' is not a status")]
    [InlineData("limit=0", "limit '0' is not valid")]
    [InlineData("cursor=bm9wZQ", "cursor is not one this API gave")]
    [InlineData("name=left-pad", "'name' needs 'ecosystem'")]
    [InlineData("since=yesterday", "since 'yesterday' is not a time")]
    [InlineData("since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", "is not before until")]
    [InlineData("colour=blue", "'colour' is not a filter")]
    [InlineData("ecosystem=npm&name=x&version=1&limit=5", "'limit' does not go with 'version'")]
    public async Task A_bad_list_query_is_a_400_saying_what_to_give(string query, string expected)
    {
        using var http = Client(headers => headers.Add(CucosHttpClient.ApiKeyHeader, AuthenticatedSiloFixture.ReaderKey));
        using var response = await http.GetAsync($"api/v1/analyses?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await DetailAsync(response), StringComparison.Ordinal);
    }
}
