using System.Net;
using System.Text;
using System.Text.Json;
using Cucos.Client.Http;
using Cucos.Tests.Support;

namespace Cucos.Tests.HttpApi;

/// <summary>
/// Malformed, oversized and mislabelled start requests on a real silo process: every one is a 400, 413 or 415
/// problem document naming what was wrong, never a 500; and analyses are served without stack traces by default.
/// </summary>
[Trait("Category", "Processes")]
public sealed class BoundedRequestTests(HttpSiloFixture fixture) : IClassFixture<HttpSiloFixture>, IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = fixture.Silo.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };

    private const string Package = "\"ecosystem\": \"npm\", \"name\": \"left-pad\", \"version\": \"1.0.0\"";

    /// <summary>A valid package's fields followed by <paramref name="fields"/>.</summary>
    private static string With(string fields) => "{" + Package + ", " + fields + "}";

    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    public static TheoryData<string, int, string> MalformedBodies => new()
    {
        { With("\"tasks\": [null]"), 400, "'tasks' entry 0 is null" },
        { With("\"tasks\": [\"digests\", null]"), 400, "'tasks' entry 1 is null" },
        { """{"package": "npm:left-pad@1.0.0", "tasks": [null]}""", 400, "'tasks' entry 0 is null" },
        { With("\"parameters\": {\"depth\": null}"), 400, "parameter 'depth' is null" },
        { With("\"tasks\": [" + string.Join(",", Enumerable.Repeat("\"digests\"", 5000)) + "]"), 400, "at most 64 can be named" },
        { With("\"parameters\": {" + string.Join(",", Enumerable.Range(0, 500).Select(i => $"\"p{i}\": \"v\"")) + "}"), 400, "at most 64 are taken" },
        { With("\"tasks\": [1]"), 400, "the field 'tasks[0]' has a value of the wrong type" },
        { With("\"tasks\": \"digests\""), 400, "the field 'tasks' has a value of the wrong type" },
        { With("\"parameters\": {\"a\": {\"b\": 1}}"), 400, "has a value of the wrong type" },
        { With("\"parameters\": " + Nested(200)), 400, "has a value of the wrong type" },
        { """{"ecosystem": null, "name": null, "version": null}""", 400, "the field 'ecosystem' is missing" },
        { """{"ecosystem": "npm", "name": 7, "version": "1.0.0"}""", 400, "the field 'name' has a value of the wrong type" },
        { """[1, 2]""", 400, "the body is not a JSON object" },
        { """{"ecosystem": "npm", "name": "left-pad\r\n2026-12-02 INFO admin logged in", "version": "1.0.0"}""", 400, "'name' has control or formatting characters" },
        { """{"ecosystem": "npm", "name": "left-pad\u0000", "version": "1.0.0"}""", 400, "'name' has control or formatting characters" },
        { """{"ecosystem": "npm", "name": "left-pad\u001b[2J", "version": "1.0.0"}""", 400, "'name' has control or formatting characters" },
        { """{"ecosystem": "npm", "name": "evil\u202Egpj.exe", "version": "1.0.0"}""", 400, "'name' has control or formatting characters" },
        { """{"package": "npm:left\npad@1.0.0"}""", 400, "the package has control or formatting characters" },
        { """{"ecosystem": "npm", "name": "left-pad", "version": "1.0\n.0"}""", 400, "the version is malformed" },
        { """{"ecosystem": "maven", "name": "org.x", "version": "lib:1.0"}""", 400, "version 'lib:1.0' is malformed" },
        { With("\"parameters\": {\"note\": \"x\\ny\"}"), 400, "parameter 'note' has control or formatting characters" },
        { $$"""{"ecosystem": "npm", "name": "{{new string('a', 200_000)}}", "version": "1.0.0"}""", 400, "'name' is longer than 1024 characters" },
        { $$"""{"ecosystem": "npm", "name": "{{new string('a', 2 * 1024 * 1024)}}", "version": "1.0.0"}""", 413, "the request body is too large" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task A_malformed_body_is_a_problem_document_naming_what_was_wrong(string body, int status, string detail)
    {
        using var response = await http.PostAsync("api/v1/analyses", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, status, detail);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task A_body_without_a_json_content_type_is_415(string? contentType)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes($"{{{Package}}}"));
        if (contentType is not null)
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await http.PostAsync("api/v1/analyses", content);

        await AssertProblemAsync(response, 415, "reads JSON: send the body with the header Content-Type: application/json.");
    }

    [Fact]
    public async Task A_failed_analysis_is_served_without_stack_traces()
    {
        // Not in the loopback registry: init fails, and its error is stored with the worker's stack.
        using var started = await http.PostAsync("api/v1/analyses", new StringContent(
            """{"ecosystem": "npm", "name": "no-such-package", "version": "1.0.0", "tasks": ["digests"], "force": true}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);

        var analysis = await FinishedAsync(http, started.Headers.Location!.OriginalString);

        var init = analysis.GetProperty("tasks").GetProperty("init");
        Assert.Equal("failed", init.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(init.GetProperty("error").GetProperty("message").GetString()));
        Assert.Equal(JsonValueKind.Null, init.GetProperty("error").GetProperty("stack_trace").ValueKind);
        Assert.DoesNotContain("   at ", analysis.ToString());
        Assert.DoesNotContain(".cs:line", analysis.ToString());
    }

    [Fact]
    public async Task The_operator_setting_shows_stack_traces()
    {
        using var cache = new TempDirectory("cucos-http-cache");
        var environment = new Dictionary<string, string>(fixture.Packages.SiloEnvironment()) { ["Cucos__Api__IncludeStackTraces"] = "true" };
        await using var silo = await SiloProcess.StartAsync(cache.Path, "traces-" + Guid.NewGuid().ToString("N")[..8], environment);
        await HttpWait.ReadyAsync(silo, TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var started = await client.PostAsync("api/v1/analyses", new StringContent(
            """{"ecosystem": "npm", "name": "no-such-package", "version": "1.0.0", "tasks": ["digests"]}""", Encoding.UTF8, "application/json"));

        var analysis = await FinishedAsync(client, started.Headers.Location!.OriginalString);

        Assert.Contains("   at ", analysis.GetProperty("tasks").GetProperty("init").GetProperty("error").GetProperty("stack_trace").GetString());
    }

    private static async Task<JsonElement> FinishedAsync(HttpClient client, string location)
    {
        var revision = -1L;
        for (var polls = 0; polls < 30; polls++)
        {
            using var response = await client.GetAsync($"{location.TrimStart('/')}?after_revision={revision}&wait_seconds=5");
            var analysis = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            if (analysis.GetProperty("finished_at").ValueKind != JsonValueKind.Null)
                return analysis;
            revision = analysis.GetProperty("revision").GetInt64();
        }
        throw new TimeoutException($"analysis {location} did not finish.");
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, int status, string detail)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{(int)response.StatusCode} instead of {status}: {body[..Math.Min(body.Length, 2000)]}");
        Assert.Equal(CucosApiJson.ProblemMediaType, response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("   at ", body);
        Assert.DoesNotContain("\n", problem.GetProperty("detail").GetString());
    }

    public void Dispose() => http.Dispose();
}
