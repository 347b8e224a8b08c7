using System.Text.Json;
using System.Text.Json.Nodes;
using Cucos.Cli;
using Cucos.Grains.Hosting;
using Cucos.Tests.StaticAnalysis;
using Cucos.Tests.Support;

namespace Cucos.Tests.Cli;

/// <summary><c>--format</c>, <c>--output -</c> and the interactive retries of <c>cucos analyze</c> on an embedded cluster.</summary>
[Trait("Category", "Cluster")]
public sealed class CliOutputTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-cli-output");

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = await CucosCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string PackageDirectory()
    {
        var path = work.Combine("pkg");
        Fixtures.WriteTree(path, Fixtures.SmallPackage(seed: 8));
        return path;
    }

    [Fact]
    public async Task Format_json_on_stdout_is_the_whole_document_and_the_summary_goes_to_stderr()
    {
        var (exit, stdout, stderr) = await Run("analyze", PackageDirectory(), "--format", "json", "--output", "-", "--tasks", "digests", "--cache", work.Combine("cache"));

        Assert.True(exit == 0, stderr);
        using var document = JsonDocument.Parse(stdout); // nothing but the document
        Assert.Equal("succeeded", document.RootElement.GetProperty("analysis").GetProperty("status").GetString());
        ResultSchemas.AssertValid("digests", document.RootElement.GetProperty("results").GetProperty("digests"));
        Assert.Contains(": succeeded in", stderr, StringComparison.Ordinal);
        Assert.Matches(@"digests\s+succeeded\s+1", stderr);
    }

    [Fact]
    public async Task Format_sarif_to_a_file_is_a_valid_sarif_log_and_the_summary_stays_on_stdout()
    {
        var output = work.Combine("result.sarif");
        var (exit, stdout, stderr) = await Run("analyze", PackageDirectory(), "-f", "sarif", "-o", output, "-q", "--tasks", "digests", "--cache", work.Combine("cache"));

        Assert.True(exit == 0, stderr);
        Assert.Contains(": succeeded in", stdout, StringComparison.Ordinal);
        var sarif = JsonNode.Parse(File.ReadAllText(output))!.AsObject();
        SarifSchema.AssertValid(sarif);
        Assert.Equal("2.1.0", sarif["version"]!.GetValue<string>());
        Assert.Empty(sarif["runs"]!.AsArray()); // no static_analysis ran: nothing found, said in SARIF
    }

    [Fact]
    public async Task Format_cyclonedx_and_spdx_write_schema_valid_sboms_of_the_analysis()
    {
        var package = PackageDirectory();
        var bomFile = work.Combine("bom.cdx.json");
        var (exit, _, stderr) = await Run("analyze", package, "-f", "cyclonedx", "-o", bomFile, "-q", "--tasks", "digests", "--cache", work.Combine("cache"));
        Assert.True(exit == 0, stderr);
        using var bom = JsonDocument.Parse(File.ReadAllBytes(bomFile));
        Cucos.Tests.Sbom.SbomSchemas.AssertValidCycloneDx(bom.RootElement);
        Assert.Equal("CycloneDX", bom.RootElement.GetProperty("bomFormat").GetString());

        var (spdxExit, stdout, spdxErr) = await Run("analyze", package, "--format", "spdx", "--output", "-", "--tasks", "digests", "--cache", work.Combine("cache2"));
        Assert.True(spdxExit == 0, spdxErr);
        using var spdx = JsonDocument.Parse(stdout); // the document alone on stdout
        Cucos.Tests.Sbom.SbomSchemas.AssertValidSpdx(spdx.RootElement);
        Assert.Equal("SPDX-2.3", spdx.RootElement.GetProperty("spdxVersion").GetString());
    }

    [Fact]
    public async Task Format_table_to_a_file_writes_the_summary_there()
    {
        var output = work.Combine("summary.txt");
        var (exit, _, stderr) = await Run("analyze", PackageDirectory(), "--format", "table", "--output", output, "-q", "--tasks", "digests", "--cache", work.Combine("cache"));

        Assert.True(exit == 0, stderr);
        Assert.Matches(@"digests\s+succeeded\s+1", File.ReadAllText(output));
    }

    [Theory]
    [InlineData(new string[0], 2)]
    [InlineData(new[] { "--no-retry" }, 1)]
    [InlineData(new[] { "--max-attempts", "3" }, 3)]
    public async Task A_wrong_registry_url_fails_after_the_interactive_attempts(string[] retryOptions, int attempts)
    {
        var closed = CucosEmbeddedCluster.FreeLoopbackPort();
        var output = work.Combine("result.json");
        var (exit, _, stderr) = await Run(["analyze", "pypi:six@1.16.0", "--registry", $"pypi=http://127.0.0.1:{closed}/", "-o", output, "-q",
            "--cache", work.Combine("cache"), .. retryOptions]);

        Assert.True(exit == 1, stderr);
        Assert.Contains("error: the analysis failed: init:", stderr, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(File.ReadAllBytes(output));
        Assert.Equal(attempts, document.RootElement.GetProperty("analysis").GetProperty("tasks").GetProperty("init").GetProperty("attempts").GetInt32());
    }

    public void Dispose() => work.Dispose();
}
