using System.Net;
using System.Text.Json;
using Cucos.Client.Http;
using Cucos.Messages;
using Cucos.Reports.Diff;
using Cucos.State;
using Cucos.Tests.HttpApi;
using Cucos.Tests.Support;

namespace Cucos.Tests.Diff;

/// <summary>
/// GET /api/v1/diff on a real silo process and CucosHttpClient.DiffAsync, for two versions of the loopback npm package
/// @acme/widget (1.1.0 changes one file and adds one); the refusals, each with its status.
/// </summary>
[Trait("Category", "Processes")]
public sealed class DiffHttpTests(HttpSiloFixture fixture) : IClassFixture<HttpSiloFixture>, IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = fixture.Silo.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };

    private async Task<string> AnalyseAsync(string ecosystem, string name, string version)
    {
        using var client = CucosHttpClient.CreateHttpClient(fixture.Silo.HttpAddress);
        var cucos = new CucosHttpClient(client);
        var ticket = await cucos.StartAnalysisAsync(AnalysisRequest.ForPackage(ecosystem, name, version, tasks: ["digests", "metadata"]));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var analysis = await cucos.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);
        Assert.True(analysis.Status == AnalysisStatus.Succeeded, $"{analysis.Status}\n{fixture.Silo.Output}");
        return ticket.AnalysisId;
    }

    [Fact]
    public async Task Two_versions_are_compared_by_the_route_in_json_and_markdown_and_by_the_client()
    {
        var older = await AnalyseAsync("npm", LoopbackPackages.NpmName, "1.0.0");
        var newer = await AnalyseAsync("npm", LoopbackPackages.NpmName, "1.1.0");

        using var json = await http.GetAsync($"api/v1/diff?from={older}&to={newer}");
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal("application/json", json.Content.Headers.ContentType!.MediaType);
        var diff = DiffWriter.ParseJson(await json.Content.ReadAsStringAsync())!;
        Assert.Equal(("1.0.0", "1.1.0"), (diff.From.Version, diff.To.Version));
        Assert.Equal(["package/" + LoopbackPackages.AddedFile], diff.Files.Added.Select(f => f.Path));
        Assert.Empty(diff.Files.Removed);
        var changed = Assert.Single(diff.Files.Changed);
        Assert.Equal("package/" + fixture.Packages.ChangedFile, changed.Path);
        Assert.Equal(fixture.Packages.NextFiles[fixture.Packages.ChangedFile].Length, changed.ToSize);
        Assert.Equal(fixture.Packages.Files.Count - 1, diff.Files.Unchanged);
        Assert.True(diff.Size.ToBytes > diff.Size.FromBytes, $"size {diff.Size.FromBytes} -> {diff.Size.ToBytes}");

        using var markdown = await http.GetAsync($"api/v1/diff?from={older}&to={newer}&format=markdown");
        Assert.Equal("text/markdown", markdown.Content.Headers.ContentType!.MediaType);
        var comment = await markdown.Content.ReadAsStringAsync();
        Assert.Contains($"### `npm:{LoopbackPackages.NpmName}` 1.0.0 → 1.1.0", comment, StringComparison.Ordinal);
        Assert.Contains("| Files | 1 added, 0 removed, 1 changed |", comment, StringComparison.Ordinal);

        using var client = CucosHttpClient.CreateHttpClient(fixture.Silo.HttpAddress);
        var fromClient = await new CucosHttpClient(client).DiffAsync(older, newer);
        Assert.Equal(DiffWriter.Json(diff), DiffWriter.Json(fromClient!));
        Assert.Null(await new CucosHttpClient(client).DiffAsync(older, "0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public async Task Bad_queries_unknown_analyses_and_different_packages_are_refused_saying_what_to_give()
    {
        var npm = await AnalyseAsync("npm", LoopbackPackages.NpmName, "1.0.0");
        var maven = await AnalyseAsync("maven", LoopbackPackages.MavenName, "1.0");

        await AssertProblemAsync($"api/v1/diff?from={npm}", HttpStatusCode.BadRequest, "from=<older analysis id>&to=<newer analysis id>");
        await AssertProblemAsync($"api/v1/diff?from={npm}&to={npm}&format=pdf", HttpStatusCode.BadRequest, "give table, json or markdown");
        await AssertProblemAsync($"api/v1/diff?from={npm}&to=0123456789abcdef0123456789abcdef", HttpStatusCode.NotFound, "0123456789abcdef0123456789abcdef");
        await AssertProblemAsync($"api/v1/diff?from=fedcba9876543210fedcba9876543210&to={npm}", HttpStatusCode.NotFound, "'fedcba9876543210fedcba9876543210'");
        await AssertProblemAsync($"api/v1/diff?from=../etc&to={npm}", HttpStatusCode.NotFound, "no analysis has the id");
        await AssertProblemAsync($"api/v1/diff?from={npm}&to={maven}", HttpStatusCode.Conflict, "are different packages");

        using var client = CucosHttpClient.CreateHttpClient(fixture.Silo.HttpAddress);
        var refused = await Assert.ThrowsAsync<DiffException>(() => new CucosHttpClient(client).DiffAsync(npm, maven));
        Assert.Contains("different packages", refused.Message, StringComparison.Ordinal);

        // The CLI says the same in one line on stderr, exit code 1, without a stack trace.
        var cluster = fixture.Silo.HttpAddress.AbsoluteUri;
        var different = await CliAsync("diff", npm, maven, "--cluster", cluster);
        Assert.Equal(1, different.Code);
        Assert.Contains("different packages", different.Stderr, StringComparison.Ordinal);
        var unknown = await CliAsync("diff", npm, "0123456789abcdef0123456789abcdef", "--cluster", cluster);
        Assert.Equal(1, unknown.Code);
        Assert.Contains("0123456789abcdef0123456789abcdef", unknown.Stderr, StringComparison.Ordinal);
        Assert.Contains("check the ids", unknown.Stderr, StringComparison.Ordinal);
        Assert.All(new[] { different.Stderr, unknown.Stderr }, e => Assert.DoesNotContain("   at ", e, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cucos_diff_compares_two_package_versions_by_name_and_says_which_has_no_analysis_yet()
    {
        await AnalyseAsync("npm", LoopbackPackages.NpmName, "1.0.0");
        var newer = await AnalyseAsync("npm", LoopbackPackages.NpmName, "1.1.0");
        var cluster = fixture.Silo.HttpAddress.AbsoluteUri;
        using var output = new TempDirectory("cucos-diff");
        var file = Path.Combine(output.Path, "diff.json");

        var (code, stdout, stderr) = await CliAsync("diff", $"npm:{LoopbackPackages.NpmName}@1.0.0", newer, "--cluster", cluster, "--format", "json", "-o", file);
        Assert.True(code == 0, stderr);
        Assert.Equal("", stdout);
        var diff = DiffWriter.ParseJson(await File.ReadAllTextAsync(file))!;
        Assert.Equal(("1.0.0", "1.1.0"), (diff.From.Version, diff.To.Version));
        Assert.Equal(["package/" + LoopbackPackages.AddedFile], diff.Files.Added.Select(f => f.Path));

        var table = await CliAsync("diff", $"npm:{LoopbackPackages.NpmName}@1.0.0", $"npm:{LoopbackPackages.NpmName}@1.1.0", "--cluster", cluster);
        Assert.True(table.Code == 0, table.Stderr);
        Assert.Contains(LoopbackPackages.AddedFile, table.Stdout, StringComparison.Ordinal);

        var unanalysed = await CliAsync("diff", $"npm:{LoopbackPackages.NpmName}@1.0.0", $"npm:{LoopbackPackages.NpmName}@9.9.9", "--cluster", cluster);
        Assert.Equal(1, unanalysed.Code);
        Assert.Contains($"no analysis of npm:{LoopbackPackages.NpmName}@9.9.9 yet", unanalysed.Stderr, StringComparison.Ordinal);
        var usage = await CliAsync("diff", newer, "--cluster", cluster);
        Assert.Equal(2, usage.Code);
        Assert.Contains("diff takes two analyses", usage.Stderr, StringComparison.Ordinal);
        var format = await CliAsync("diff", newer, newer, "--cluster", cluster, "--format", "pdf");
        Assert.Equal(2, format.Code);
        Assert.Contains("give table, json or markdown", format.Stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> CliAsync(params string[] arguments)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await Cucos.Cli.CucosCli.RunAsync(arguments, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private async Task AssertProblemAsync(string path, HttpStatusCode status, string detail)
    {
        using var response = await http.GetAsync(path);
        Assert.Equal(status, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", problem.GetRawText(), StringComparison.Ordinal);
    }

    public void Dispose() => http.Dispose();
}
