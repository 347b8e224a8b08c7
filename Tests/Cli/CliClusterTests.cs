using System.Text.Json;
using Cucos.Cli;
using Cucos.Grains.Hosting;
using Cucos.Tests.HttpApi;
using Cucos.Tests.Support;

namespace Cucos.Tests.Cli;

/// <summary><c>cucos analyze --cluster</c> against a running silo process, over its HTTP API and over its Orleans gateway.</summary>
[Trait("Category", "Processes")]
public sealed class CliClusterTests(HttpSiloFixture fixture) : IClassFixture<HttpSiloFixture>, IDisposable
{
    private readonly TempDirectory work = new("cucos-cli-cluster");

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = await CucosCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string Gateway => $"127.0.0.1:{fixture.Silo.GatewayPort}";

    [Fact]
    public async Task Over_http_it_prints_progress_and_summary_and_writes_the_embedded_result_shape()
    {
        var output = work.Combine("result.json");
        var (exit, stdout, stderr) = await Run("analyze", "npm:@acme/widget@1.0.0", "--cluster", fixture.Silo.HttpAddress.AbsoluteUri,
            "--tasks", "digests", "--force", "--output", output);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}\n{fixture.Silo.Output}");
        Assert.Matches(@"Analysis [0-9a-f]{32} of npm:@acme/widget@1\.0\.0: succeeded in", stdout);
        Assert.Matches(@"digests\s+succeeded\s+1", stdout);
        Assert.Matches(@"\[\s*\d+\.\d\ds\] (init|digests)\s+", stderr);
        AssertResultFile(output);
    }

    [Fact]
    public async Task Over_the_gateway_it_runs_the_same_analysis_through_the_client_library()
    {
        var output = work.Combine("result.json");
        var (exit, stdout, stderr) = await Run("analyze", "npm:@acme/widget@1.0.0", "--cluster", Gateway, "--cluster-id", fixture.ClusterId,
            "--tasks", "digests", "--force", "--quiet", "--output", output);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}\n{fixture.Silo.Output}");
        Assert.Matches(@"Analysis [0-9a-f]{32} of npm:@acme/widget@1\.0\.0: succeeded in", stdout);
        Assert.Equal("", stderr);
        AssertResultFile(output);
    }

    /// <summary>The file has the embedded analyze's shape: the analysis with its tasks, every task's result document, and
    /// the dependency analyses it started (none here).</summary>
    private void AssertResultFile(string output)
    {
        using var result = JsonDocument.Parse(File.ReadAllBytes(output));
        Assert.Equal(["analysis", "results", "dependencies"], result.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Empty(result.RootElement.GetProperty("dependencies").EnumerateArray());
        var analysis = result.RootElement.GetProperty("analysis");
        Assert.Equal("succeeded", analysis.GetProperty("status").GetString());
        Assert.Equal("@acme/widget", analysis.GetProperty("request").GetProperty("name").GetString());
        Assert.Equal(["digests", "finalize", "init"], analysis.GetProperty("tasks").EnumerateObject().Select(t => t.Name).Order());
        var results = result.RootElement.GetProperty("results");
        ResultSchemas.AssertValid("digests", results.GetProperty("digests"));
        ResultSchemas.AssertValid("init", results.GetProperty("init"));
        Assert.Equal("npm:@acme/widget:1.0.0", results.GetProperty("digests").GetProperty("_release").GetString());
        Assert.Equal(analysis.GetProperty("analysis_id").GetString(), results.GetProperty("digests").GetProperty("_audit").GetProperty("analysis_id").GetString());
        var files = results.GetProperty("digests").GetProperty("details").GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("sha256").GetString());
        foreach (var (path, content) in fixture.Packages.Files)
            Assert.Equal(Fixtures.Expected(content).Sha256, files["package/" + path]);
    }

    [Fact]
    public async Task A_cluster_that_cannot_be_reached_is_named_with_what_to_check()
    {
        var closed = CucosEmbeddedCluster.FreeLoopbackPort();

        var (exit, _, stderr) = await Run("analyze", "npm:@acme/widget@1.0.0", "--cluster", $"http://127.0.0.1:{closed}", "--quiet");
        Assert.Equal(1, exit);
        Assert.Contains($"error: could not reach the Cucos HTTP API at http://127.0.0.1:{closed}/: Connection refused. " +
            $"Check the address, that a silo runs there, and that {closed} is its HTTP port (Cucos:HttpPort, default 8080).", stderr);
        Assert.DoesNotContain("   at ", stderr);

        (exit, _, stderr) = await Run("analyze", "npm:@acme/widget@1.0.0", "--cluster", $"127.0.0.1:{closed}", "--quiet");
        Assert.Equal(1, exit);
        Assert.Contains($"error: could not connect to the Cucos cluster's gateway at 127.0.0.1:{closed}: ", stderr);
        Assert.Contains($"Check that a silo runs there, that {closed} is its gateway port (Cucos:GatewayPort, default 30000), and that --cluster-id (cucos) is its Cucos:ClusterId.", stderr);
        Assert.DoesNotContain("   at ", stderr);

        // A web server that is not a Cucos silo: its 404 is named as such.
        using var other = new RegistryServer();
        (exit, _, stderr) = await Run("analyze", "npm:@acme/widget@1.0.0", "--cluster", other.BaseUrl.AbsoluteUri, "--quiet");
        Assert.Equal(1, exit);
        Assert.Contains($"error: {other.BaseUrl} answered POST /api/v1/analyses with 404 Not Found: is it a Cucos silo's HTTP address (its Cucos:HttpPort)?", stderr);
    }

    [Fact]
    public async Task A_local_path_or_an_embedded_only_option_with_cluster_is_a_usage_error_that_says_why()
    {
        Fixtures.WriteTree(work.Combine("pkg"), fixture.Packages.Files);

        var (exit, _, stderr) = await Run("analyze", work.Combine("pkg"), "--cluster", fixture.Silo.HttpAddress.AbsoluteUri);
        Assert.Equal(2, exit);
        Assert.Contains("is a path on this machine, and a cluster's silos cannot read this machine's files. With --cluster give a registry package", stderr);

        (exit, _, stderr) = await Run("analyze", "npm:@acme/widget@1.0.0", "--cluster", Gateway, "--cache", work.Combine("cache"));
        Assert.Equal(2, exit);
        Assert.Contains("error: --cache does not go with --cluster: the cluster unpacks packages in its own Cucos:CacheRoot.", stderr);

        (exit, _, stderr) = await Run("analyze", "npm:@acme/widget@1.0.0", "--cluster", "ftp://127.0.0.1:21");
        Assert.Equal(2, exit);
        Assert.Contains("give an http:// or https:// URL (a silo's HTTP API) or HOST:PORT (a silo's gateway)", stderr);

        (exit, _, stderr) = await Run("analyze", "npm:@acme/widget@1.0.0", "--cluster", fixture.Silo.HttpAddress.AbsoluteUri, "--tasks", "nope");
        Assert.Equal(2, exit);
        Assert.Contains("error: unknown task(s): nope. The tasks of this cluster are:", stderr);
    }

    public void Dispose() => work.Dispose();
}
