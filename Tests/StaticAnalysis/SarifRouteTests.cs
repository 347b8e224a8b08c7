using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cucos.Tests.SecurityIssues;
using Cucos.Tests.Support;
using Cucos.Workers.StaticAnalysis;

namespace Cucos.Tests.StaticAnalysis;

/// <summary>
/// <c>GET /api/v1/analyses/{id}/sarif</c> on a real silo process: an npm package from a loopback registry with
/// defects ESLint finds and a known advisory in an offline OSV directory, as one valid SARIF 2.1.0 log.
/// </summary>
[Trait("Category", "Processes")]
[Trait("Category", "ReferenceTool")]
public sealed class SarifRouteTests : IAsyncLifetime
{
    private readonly TempDirectory work = new("cucos-sarif-route");
    private readonly RegistryServer registry = new();
    private SiloProcess silo = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        var tarball = ArchiveBuilder.TarBytes(gzip: true, w =>
        {
            w.AddFile("package/package.json", Encoding.UTF8.GetBytes("""{"name": "serve-static", "version": "1.7.1", "license": "MIT"}"""));
            w.AddFile("package/index.js", "module.exports = function serveStatic(root) {\n  debugger;\n  return root == NaN;\n};\n"u8.ToArray());
            w.AddFile("package/build.sh", "#!/bin/sh\nunused=1\n"u8.ToArray());
        });
        registry.Map("/npm/serve-static", Reply.Json(new Dictionary<string, object>
        {
            ["name"] = "serve-static",
            ["dist-tags"] = new { latest = "1.7.2" },
            ["versions"] = new Dictionary<string, object>
            {
                ["1.7.1"] = new
                {
                    name = "serve-static",
                    version = "1.7.1",
                    dist = new { tarball = registry.Url("/npm/serve-static/-/serve-static-1.7.1.tgz"), integrity = "sha512-" + Convert.ToBase64String(SHA512.HashData(tarball)) },
                },
                ["1.7.2"] = new { name = "serve-static", version = "1.7.2", dist = new { tarball = registry.Url("/npm/serve-static/-/serve-static-1.7.2.tgz") } },
            },
        }));
        registry.Map("/npm/serve-static/-/serve-static-1.7.1.tgz", Reply.File(tarball));
        OsvFixtures.WriteZip(work, "advisories/npm", OsvFixtures.ServeStatic);

        silo = await SiloProcess.StartAsync(work.Combine("cache"), "sarif-" + Guid.NewGuid().ToString("N")[..8], new Dictionary<string, string>
        {
            ["npm_config_registry"] = registry.Url("/npm/"),
            ["Cucos__Advisories__Directory"] = work.Combine("advisories"),
            ["Cucos__StaticAnalysis__eslint__Path"] = EslintTools.Executable,
        });
        await HttpWait.ReadyAsync(silo, TimeSpan.FromSeconds(60));
        http = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    private async Task<string> AnalyseAsync(string tasks)
    {
        using var started = await http.PostAsync("api/v1/analyses", new StringContent(
            $$"""{"ecosystem": "npm", "name": "serve-static", "version": "1.7.1", "tasks": {{tasks}}, "force": true}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("analysis_id").GetString()!;
        var revision = -1L;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(4);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await http.GetAsync($"api/v1/analyses/{id}?after_revision={revision}&wait_seconds=10");
            var analysis = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            if (analysis.GetProperty("finished_at").ValueKind != JsonValueKind.Null)
                return id;
            revision = analysis.GetProperty("revision").GetInt64();
        }
        throw new TimeoutException($"analysis {id} did not finish:\n{silo.Output}");
    }

    private async Task<JsonElement> ResultAsync(string id, string task)
    {
        using var response = await http.GetAsync($"api/v1/analyses/{id}/results/{task}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{task}: {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task The_static_analysis_runs_and_the_security_issues_run_come_as_one_valid_SARIF_log()
    {
        var id = await AnalyseAsync("""["languages", "static_analysis", "security_issues"]""");

        using var response = await http.GetAsync($"api/v1/analyses/{id}/sarif");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(AnalysisSarif.MediaType, response.Content.Headers.ContentType!.MediaType);
        var log = JsonNode.Parse(text)!;
        SarifSchema.AssertValid(log);

        // The static_analysis runs are those of its stored result, ESLint's and shellcheck's among them.
        var staticAnalysis = await ResultAsync(id, StaticAnalysisTask.TaskName);
        var runs = log["runs"]!.AsArray();
        var expected = StaticAnalysisSarif.FromResult(staticAnalysis)["runs"]!.AsArray();
        Assert.Equal(expected.Select(r => r!.ToJsonString()), runs.Take(expected.Count).Select(r => r!.ToJsonString()));
        var eslint = Assert.Single(runs, r => (string?)r!["tool"]!["driver"]!["name"] == "eslint")!;
        Assert.Equal(["no-debugger", "use-isnan"], eslint["results"]!.AsArray().Select(r => (string)r!["ruleId"]!).Order(StringComparer.Ordinal));
        Assert.Contains(runs, r => (string?)r!["tool"]!["driver"]!["name"] == "shellcheck");

        // The security_issues run: the advisory as the rule, the package's vulnerability as the result.
        var security = await ResultAsync(id, "security_issues");
        var vulnerability = security.GetProperty("details").GetProperty("vulnerabilities").EnumerateArray().Single();
        var run = runs[^1]!;
        Assert.Equal(AnalysisSarif.SecurityDriver, (string?)run["tool"]!["driver"]!["name"]);
        var rule = Assert.Single(run["tool"]!["driver"]!["rules"]!.AsArray())!;
        Assert.Equal("GHSA-c3x7-gjmx-r2ff", (string?)rule["id"]);
        Assert.Equal("Open redirect in serve-static", (string?)rule["shortDescription"]!["text"]);
        var result = Assert.Single(run["results"]!.AsArray())!;
        Assert.Equal(("GHSA-c3x7-gjmx-r2ff", 0), ((string)result["ruleId"]!, (int)result["ruleIndex"]!));
        Assert.Equal(AnalysisSarif.Level(vulnerability.GetProperty("rating").GetString()!), (string?)result["level"]);
        Assert.Equal("serve-static@1.7.1", (string?)result["locations"]![0]!["logicalLocations"]![0]!["fullyQualifiedName"]);
        Assert.Contains("upgrade to 1.7.2", (string)result["message"]!["text"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_analysis_and_one_without_those_tasks_are_404_problems_that_say_what_to_do()
    {
        using var openApi = JsonDocument.Parse(await http.GetStringAsync("openapi/v1.json"));
        Assert.True(openApi.RootElement.GetProperty("paths").GetProperty("/api/v1/analyses/{analysisId}/sarif").TryGetProperty("get", out _));

        using var unknown = await http.GetAsync($"api/v1/analyses/{new string('0', 32)}/sarif");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType!.MediaType);

        var id = await AnalyseAsync("""["digests"]""");
        using var none = await http.GetAsync($"api/v1/analyses/{id}/sarif");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        var detail = JsonDocument.Parse(await none.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.Contains("\"tasks\": [\"static_analysis\", \"security_issues\"]", detail, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        http?.Dispose();
        if (silo is not null)
            await silo.DisposeAsync();
        registry.Dispose();
        work.Dispose();
    }
}
