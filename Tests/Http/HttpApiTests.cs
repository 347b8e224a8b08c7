using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cucos.Client;
using Cucos.Client.Http;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.Workers;
using Microsoft.Extensions.DependencyInjection;
using Cucos.State;
using Cucos.Tests.Support;

namespace Cucos.Tests.HttpApi;

/// <summary>The silo's HTTP API end to end on a real silo process, its packages on a loopback registry.</summary>
[Trait("Category", "Processes")]
public sealed class HttpApiTests(HttpSiloFixture fixture) : IClassFixture<HttpSiloFixture>, IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = fixture.Silo.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };

    private Task<HttpResponseMessage> PostJsonAsync(string json) =>
        http.PostAsync("api/v1/analyses", new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Polls the analysis at <paramref name="location"/> with the API's long poll until it finished.</summary>
    private async Task<JsonElement> PollUntilFinishedAsync(string location)
    {
        var revision = -1L;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await http.GetAsync($"{location.TrimStart('/')}?after_revision={revision}&wait_seconds=5");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var analysis = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            if (analysis.GetProperty("finished_at").ValueKind != JsonValueKind.Null)
                return analysis;
            revision = analysis.GetProperty("revision").GetInt64();
        }
        throw new TimeoutException($"analysis {location} did not finish:\n{fixture.Silo.Output}");
    }

    [Fact]
    public async Task Registry_lifecycle_reads_the_packument_of_the_silos_configured_npm_registry()
    {
        using var started = await PostJsonAsync("""{"ecosystem": "npm", "name": "@acme/widget", "version": "1.0.0", "tasks": ["registry_lifecycle"], "force": true}""");
        var ticket = (await started.Content.ReadFromJsonAsync<AnalysisTicket>(CucosApiJson.Options))!;

        var analysis = await PollUntilFinishedAsync(started.Headers.Location!.OriginalString);

        Assert.True(analysis.GetProperty("status").GetString() == "succeeded", analysis.ToString());
        var lifecycle = JsonDocument.Parse(await http.GetStringAsync($"api/v1/analyses/{ticket.AnalysisId}/results/registry_lifecycle")).RootElement;
        ResultSchemas.AssertValid("registry_lifecycle", lifecycle);
        var summary = lifecycle.GetProperty("summary");
        Assert.Equal("read", summary.GetProperty("status").GetString());
        Assert.Equal("1.1.0", summary.GetProperty("latest_version").GetString());
        Assert.Equal(1, summary.GetProperty("versions_behind").GetInt32());
        Assert.Equal(40, summary.GetProperty("days_behind").GetInt32());
        Assert.True(summary.GetProperty("deprecated").GetBoolean());
        Assert.Equal(LoopbackPackages.NpmDeprecation, lifecycle.GetProperty("details").GetProperty("release").GetProperty("deprecation_message").GetString());
        Assert.Contains(fixture.Packages.Server.BaseUrl.Authority, lifecycle.GetProperty("details").GetProperty("registry").GetString());
    }

    [Fact]
    public async Task A_scoped_npm_package_is_started_polled_its_result_fetched_and_its_analyses_listed()
    {
        using var started = await PostJsonAsync("""{"ecosystem": "npm", "name": "@acme/widget", "version": "1.0.0", "tasks": ["digests"], "force": true}""");

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var ticket = (await started.Content.ReadFromJsonAsync<AnalysisTicket>(CucosApiJson.Options))!;
        Assert.True(ticket.Created);
        Assert.Equal($"/api/v1/analyses/{ticket.AnalysisId}", started.Headers.Location!.OriginalString);

        var analysis = await PollUntilFinishedAsync(started.Headers.Location.OriginalString);
        Assert.True(analysis.GetProperty("status").GetString() == "succeeded", analysis.ToString());
        Assert.Equal("@acme/widget", analysis.GetProperty("request").GetProperty("name").GetString());
        var tasks = analysis.GetProperty("tasks");
        Assert.Equal(["digests", "finalize", "init"], tasks.EnumerateObject().Select(t => t.Name).Order());
        Assert.All(tasks.EnumerateObject(), t => Assert.Equal("succeeded", t.Value.GetProperty("status").GetString()));

        using var result = await http.GetAsync($"api/v1/analyses/{ticket.AnalysisId}/results/digests");
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.Equal("application/json", result.Content.Headers.ContentType!.MediaType);
        var digests = JsonDocument.Parse(await result.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("npm:@acme/widget:1.0.0", digests.GetProperty("_release").GetString());
        Assert.Equal(ticket.AnalysisId, digests.GetProperty("_audit").GetProperty("analysis_id").GetString());
        var sha256 = digests.GetProperty("details").GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("sha256").GetString());
        foreach (var (path, content) in fixture.Packages.Files)
            Assert.Equal(Fixtures.Expected(content).Sha256, sha256["package/" + path]);

        // Without force the version's current analysis comes back; with force a new one starts.
        using var again = await PostJsonAsync("""{"ecosystem": "npm", "name": "@acme/widget", "version": "1.0.0"}""");
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(ticket with { Created = false }, await again.Content.ReadFromJsonAsync<AnalysisTicket>(CucosApiJson.Options));
        using var forced = await PostJsonAsync("""{"package": "npm:@acme/widget@1.0.0", "tasks": ["digests"], "force": true}""");
        var second = (await forced.Content.ReadFromJsonAsync<AnalysisTicket>(CucosApiJson.Options))!;
        Assert.True(second.Created);
        await PollUntilFinishedAsync(forced.Headers.Location!.OriginalString);

        using var listed = await http.GetAsync($"api/v1/analyses?ecosystem=npm&name={Uri.EscapeDataString("@acme/widget")}&version=1.0.0");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var list = (await listed.Content.ReadFromJsonAsync<PackageAnalyses>(CucosApiJson.Options))!;
        Assert.Equal(("npm", "@acme/widget", "1.0.0"), (list.Ecosystem, list.Name, list.Version));
        Assert.Equal([ticket.AnalysisId, second.AnalysisId], list.Analyses.TakeLast(2).Select(a => a.AnalysisId));
        Assert.All(list.Analyses, a => Assert.Equal(AnalysisStatus.Succeeded, a.Status));
        Assert.Equal([second.AnalysisId], list.Analyses.Where(a => a.Current).Select(a => a.AnalysisId));
        Assert.True(list.Analyses[^1].FinishedAt > list.Analyses[^1].CreatedAt);
    }

    [Fact]
    public async Task A_maven_group_and_artifact_name_runs_through_the_http_client_library()
    {
        using var client = CucosHttpClient.CreateHttpClient(fixture.Silo.HttpAddress);
        var cucos = new CucosHttpClient(client);
        var seen = new List<AnalysisStatus>();

        var ticket = await cucos.StartAnalysisAsync(AnalysisRequest.ParsePackage("maven:org.example:lib@1.0", force: true, tasks: ["digests"]));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var analysis = await cucos.WaitForCompletionAsync(ticket.AnalysisId, new Progress<AnalysisSnapshot>(s => seen.Add(s.Status)), timeout.Token);

        Assert.True(analysis.Status == AnalysisStatus.Succeeded, string.Join("\n", analysis.Tasks.Values.Select(t => $"{t.Name} {t.Status} {t.Error?.Message}")));
        Assert.Equal("org.example:lib", analysis.Request.Name);
        Assert.Equal(3, analysis.Tasks.Count);
        var digests = (await cucos.GetResultAsync(ticket.AnalysisId, "digests"))!.Value;
        Assert.Equal(RegistryShaOfJar(), digests.GetProperty("details").GetProperty("artifact").GetProperty("sha256").GetString());
        Assert.Null(await cucos.GetResultAsync(ticket.AnalysisId, "languages"));
        Assert.Null(await cucos.GetAnalysisAsync("0123456789abcdef0123456789abcdef"));
        await Assert.ThrowsAsync<Client.AnalysisNotFoundException>(() => cucos.WaitForCompletionAsync("0123456789abcdef0123456789abcdef"));

        var list = await cucos.ListAnalysesAsync("maven", "org.example:lib", "1.0");
        Assert.Contains(list.Analyses, a => a.AnalysisId == ticket.AnalysisId && a.Status == AnalysisStatus.Succeeded);
        var refused = await Assert.ThrowsAsync<InvalidAnalysisRequestException>(() => cucos.StartAnalysisAsync(AnalysisRequest.ForLocalPath("/tmp")));
        Assert.Contains("the silo cannot see this machine's files", refused.Message);
    }

    private string RegistryShaOfJar() => Fixtures.Expected(fixture.Packages.Jar).Sha256;

    [Theory]
    [InlineData("""{"ecosystem": "cpan", "name": "Moose", "version": "2.0"}""", "Invalid analysis request",
        "ecosystem 'cpan' is not known to this cluster: give one of crates, go, maven, npm, nuget, pypi, rubygems.")]
    [InlineData("""{"ecosystem": "npm", "name": " ", "version": "1.0.0"}""", "Invalid analysis request", "the field 'name' is empty: give the package name")]
    [InlineData("""{"ecosystem": "npm", "version": "1.0.0"}""", "Invalid analysis request", "the field 'name' is empty")]
    [InlineData("""{"ecosystem": "npm", "name": "left-pad", "version": "1.0 beta"}""", "Invalid analysis request",
        "version '1.0 beta' is malformed: a version has no spaces, slashes, colons or control characters")]
    [InlineData("""{"ecosystem": "npm", "name": "left-pad", "version": "../../1.0"}""", "Invalid analysis request", "version '../../1.0' is malformed")]
    [InlineData("""{"ecosystem": "npm", "name": "left-pad"}""", "Invalid analysis request", "the field 'version' is empty")]
    [InlineData("""{"ecosystem": "local", "name": "/etc", "version": "local"}""", "Invalid analysis request",
        "ecosystem 'local' is not served over HTTP: the silo analyses packages it fetches from a registry")]
    [InlineData("""{"ecosystem": "npm", "name": "left-pad", "version": "1.0.0", "tasks": ["digests", "nope"]}""", "Invalid analysis request",
        "unknown task(s): nope. The tasks of this cluster are: binary_data, crypto_algorithms,")]
    [InlineData("""{"ecosystem": "npm", "name": "left-pad", "version": "1.0.0", "tasks": []}""", "Invalid analysis request", "'tasks' is empty")]
    [InlineData("""{"package": "npm:left-pad"}""", "Invalid analysis request", "has no version: write it as npm:NAME@VERSION")]
    [InlineData("""{"package": "npm:left-pad@1.0.0", "name": "other"}""", "Invalid analysis request", "give either 'package' (ECOSYSTEM:NAME@VERSION) or 'ecosystem'")]
    [InlineData("""{"ecosystem": "npm", "name": "left-pad", """, "Malformed request body", "it is not well-formed JSON (line 1, byte")]
    [InlineData("""{"ecosystem": "npm", "name": "left-pad", "version": "1.0.0", "forse": true}""", "Malformed request body",
        "the field 'forse' is not known (the fields are package, ecosystem, name, version, force, tasks, parameters, webhook_url)")]
    [InlineData("""{"ecosystem": "npm", "name": "left-pad", "version": "1.0.0", "webhook_url": "ftp://hooks.example/x"}""", "Invalid analysis request",
        "'webhook_url' is not an absolute http or https URL")]
    [InlineData("""{"ecosystem": "npm", "name": "left-pad", "version": "1.0.0", "webhook_url": "https://hooks.example/x"}""", "Invalid analysis request",
        "this cluster delivers no webhooks")]
    [InlineData("""{"ecosystem": "npm", "name": "left-pad", "version": "1.0.0", "force": "yes"}""", "Malformed request body",
        "the field 'force' has a value of the wrong type")]
    [InlineData("", "Malformed request body", "the request body is empty. Send a JSON object such as")]
    [InlineData("null", "Malformed request body", "the request body is null, not a JSON object")]
    public async Task A_bad_start_request_is_a_400_problem_that_says_what_to_do(string body, string title, string detail)
    {
        using var response = await PostJsonAsync(body);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, title, detail);
    }

    [Fact]
    public async Task Unknown_analyses_tasks_routes_and_bad_queries_are_problems_too()
    {
        var unknown = "0123456789abcdef0123456789abcdef";
        await AssertProblemAsync(await http.GetAsync($"api/v1/analyses/{unknown}"), HttpStatusCode.NotFound, "Unknown analysis",
            $"no analysis has the id '{unknown}'. Use the analysis_id that POST /api/v1/analyses returned");
        await AssertProblemAsync(await http.GetAsync("api/v1/analyses/not-an-id"), HttpStatusCode.NotFound, "Unknown analysis", "no analysis has the id 'not-an-id'");
        await AssertProblemAsync(await http.GetAsync($"api/v1/analyses/{unknown}/results/digests"), HttpStatusCode.NotFound, "Unknown analysis", unknown);

        using var started = await PostJsonAsync("""{"package": "npm:@acme/widget@1.0.0", "tasks": ["digests"], "force": true}""");
        var id = (await started.Content.ReadFromJsonAsync<AnalysisTicket>(CucosApiJson.Options))!.AnalysisId;
        await PollUntilFinishedAsync($"/api/v1/analyses/{id}");
        await AssertProblemAsync(await http.GetAsync($"api/v1/analyses/{id}/results/nope"), HttpStatusCode.NotFound, "Unknown task",
            $"analysis {id} has no task 'nope'. Its tasks are: digests, finalize, init.");

        await AssertProblemAsync(await http.GetAsync($"api/v1/analyses/{id}?after_revision=soon"), HttpStatusCode.BadRequest, "Invalid query",
            "after_revision 'soon' is not a revision");
        await AssertProblemAsync(await http.GetAsync($"api/v1/analyses/{id}?after_revision=1&wait_seconds=600"), HttpStatusCode.BadRequest, "Invalid query",
            "wait_seconds '600' is not valid: give whole seconds from 0 to 20.");
        await AssertProblemAsync(await http.GetAsync("api/v1/analyses?name=left-pad"), HttpStatusCode.BadRequest, "Invalid query",
            "'name' needs 'ecosystem': a name means a package only within its ecosystem.");
        await AssertProblemAsync(await http.GetAsync("api/v1/analyses?ecosystem=cpan&name=Moose&version=2.0"), HttpStatusCode.BadRequest, "Invalid query",
            "ecosystem 'cpan' is not known to this cluster: give one of crates, go, maven, npm, nuget, pypi, rubygems.");
        await AssertProblemAsync(await http.GetAsync("api/v2/analyses"), HttpStatusCode.NotFound, "Not Found",
            "there is nothing at GET /api/v2/analyses. The API is under /api/v1 and described at /openapi/v1.json.");
        await AssertProblemAsync(await http.DeleteAsync($"api/v1/analyses/{id}"), HttpStatusCode.MethodNotAllowed, "Method Not Allowed",
            $"DELETE /api/v1/analyses/{id} does not take DELETE");
        await AssertProblemAsync(await http.PostAsync("api/v1/analyses", new StringContent("ecosystem=npm", Encoding.UTF8, "application/x-www-form-urlencoded")),
            HttpStatusCode.UnsupportedMediaType, "Unsupported Media Type", "reads JSON: send the body with the header Content-Type: application/json.");

        var huge = "{\"ecosystem\": \"npm\", \"name\": \"left-pad\", \"version\": \"1.0.0\", \"parameters\": {\"padding\": \"" + new string('x', 1_100_000) + "\"}}";
        await AssertProblemAsync(await PostJsonAsync(huge), HttpStatusCode.RequestEntityTooLarge, "Bad request",
            "the request body is too large: a start request is a small JSON object (at most 1 MiB).");

        // A version that has never been analysed has an empty list, not an error.
        using var none = await http.GetAsync("api/v1/analyses?ecosystem=npm&name=never-analysed&version=1.0.0");
        Assert.Empty((await none.Content.ReadFromJsonAsync<PackageAnalyses>(CucosApiJson.Options))!.Analyses);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_route_and_the_health_endpoints_answer()
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync("openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        Assert.Equal(["get", "post"], paths.GetProperty("/api/v1/analyses").EnumerateObject().Select(p => p.Name).Order());
        Assert.True(paths.GetProperty("/api/v1/analyses/{analysisId}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/v1/analyses/{analysisId}/results/{taskName}").TryGetProperty("get", out _));
        var start = paths.GetProperty("/api/v1/analyses").GetProperty("post");
        Assert.True(start.GetProperty("responses").TryGetProperty("202", out _));
        Assert.Contains("\"force\"", document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("StartAnalysisBody").GetRawText());
        // The new routes with real schemas: the list's page and the cancel's analysis.
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        Assert.Contains("\"next_cursor\"", schemas.GetProperty("AnalysisListBody").GetRawText());
        Assert.Contains("\"created_at\"", schemas.GetProperty("AnalysisListEntry").GetRawText());
        var cancel = paths.GetProperty("/api/v1/analyses/{analysisId}/cancel").GetProperty("post");
        Assert.Contains("AnalysisSnapshot", cancel.GetProperty("responses").GetProperty("202").GetRawText());
        Assert.True(cancel.GetProperty("responses").TryGetProperty("409", out _));
        Assert.DoesNotContain(paths.EnumerateObject(), route => route.Name.StartsWith("/dashboard", StringComparison.Ordinal));

        using var live = await http.GetAsync("health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var ready = await http.GetAsync("health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
        Assert.Equal(["silo"], checks.EnumerateObject().Select(c => c.Name)); // no database in the in-memory profile
        Assert.Equal("healthy", checks.GetProperty("silo").GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_result_route_is_described_by_the_result_schemas_and_real_results_match_them()
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync("openapi/v1.json"));
        var root = document.RootElement;
        var schemas = root.GetProperty("components").GetProperty("schemas");
        var answer = root.GetProperty("paths").GetProperty("/api/v1/analyses/{analysisId}/results/{taskName}").GetProperty("get")
            .GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var described = answer.GetProperty("oneOf").EnumerateArray().Select(s => s.GetProperty("$ref").GetString()).ToHashSet();
        var registry = new ServiceCollection().AddCucosBuiltInTasks().BuildServiceProvider().GetRequiredService<TaskRegistry>();
        foreach (var task in registry.All.Where(t => ResultSchemaGenerator.ForTask(t) is not null))
            Assert.Contains($"#/components/schemas/{task.Name}_result", described);
        Assert.Equal("integer", schemas.GetProperty("digests_result").GetProperty("properties").GetProperty("summary")
            .GetProperty("properties").GetProperty("files").GetProperty("type").GetString());
        // Every reference resolves inside the document, including those the exporter wrote as pointers into a result schema.
        var references = Descendants(root).Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("$ref", out _))
            .Select(e => e.GetProperty("$ref").GetString()!).Distinct().ToArray();
        Assert.Contains(references, r => r.StartsWith("#/components/schemas/metadata_result.", StringComparison.Ordinal));
        Assert.All(references, r => Assert.True(schemas.TryGetProperty(r["#/components/schemas/".Length..], out _), $"{r} does not resolve"));

        // The described schemas are the real ones: stored documents match them, and a changed one does not.
        using var started = await PostJsonAsync("""{"ecosystem": "npm", "name": "@acme/widget", "version": "1.0.0", "tasks": ["digests"], "force": true}""");
        var ticket = (await started.Content.ReadFromJsonAsync<AnalysisTicket>(CucosApiJson.Options))!;
        await PollUntilFinishedAsync(started.Headers.Location!.OriginalString);
        var definitions = new System.Text.Json.Nodes.JsonObject();
        foreach (var component in schemas.EnumerateObject().Where(c => c.Name.Contains("_result", StringComparison.Ordinal)))
            definitions[component.Name] = System.Text.Json.Nodes.JsonNode.Parse(component.Value.GetRawText().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal));
        foreach (var taskName in new[] { "init", "digests", "finalize" })
        {
            var schema = Json.Schema.JsonSchema.FromText(new System.Text.Json.Nodes.JsonObject
            {
                ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                ["$id"] = $"urn:cucos-openapi-test:{Guid.NewGuid():N}",
                ["$defs"] = definitions.DeepClone(),
                ["$ref"] = $"#/$defs/{taskName}_result",
            }.ToJsonString());
            var stored = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync($"api/v1/analyses/{ticket.AnalysisId}/results/{taskName}"))!;
            Assert.True(schema.Evaluate(JsonDocument.Parse(stored.ToJsonString()).RootElement).IsValid, $"the stored {taskName} result does not match its OpenAPI schema: {stored}");
            stored["summary"]!.AsObject()["unexpected"] = "value";
            Assert.False(schema.Evaluate(JsonDocument.Parse(stored.ToJsonString()).RootElement).IsValid, $"a {taskName} result with a member its record lacks matched the OpenAPI schema");
        }
    }

    private static IEnumerable<JsonElement> Descendants(JsonElement element)
    {
        yield return element;
        var children = element.ValueKind switch
        {
            JsonValueKind.Object => element.EnumerateObject().Select(p => p.Value),
            JsonValueKind.Array => element.EnumerateArray(),
            _ => [],
        };
        foreach (var child in children)
            foreach (var descendant in Descendants(child))
                yield return descendant;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title, string detail)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} instead of {(int)status}: {body}");
            Assert.Equal(CucosApiJson.ProblemMediaType, response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
            Assert.Equal(title, problem.GetProperty("title").GetString());
            Assert.Contains(detail, problem.GetProperty("detail").GetString());
            Assert.DoesNotContain("   at ", body);
            Assert.DoesNotContain("Exception", body);
        }
    }

    public void Dispose() => http.Dispose();
}
