using System.Text;
using System.Text.Json;
using Cucos.Cli;
using Cucos.Tests.Licenses;
using Cucos.Tests.Support;

namespace Cucos.Tests.Cli;

/// <summary>source_licenses and crypto_algorithms in the default flow, the closing table, and the worker command.</summary>
[Trait("Category", "Cluster")]
public sealed class ContentWorkersCliTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-cli-content");

    public void Dispose() => work.Dispose();

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = await CucosCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string Package()
    {
        work.WriteFile("pkg/LICENSE", Encoding.UTF8.GetBytes(LicenseTexts.Filled("MIT")));
        work.WriteFile("pkg/index.js", Encoding.UTF8.GetBytes("const crypto = require('crypto');\nmodule.exports = s => crypto.createHash('md5').update(s).digest('hex');\n"));
        return work.Combine("pkg");
    }

    [Fact]
    public async Task Analyze_runs_both_workers_by_default_and_prints_their_summaries()
    {
        var output = work.Combine("result.json");
        var (exit, stdout, stderr) = await Run("analyze", Package(), "--output", output, "--cache", work.Combine("cache"), "--quiet");

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Matches(@"source_licenses\s+succeeded\s+1\s+.*expression=MIT\b", stdout);
        Assert.Matches(@"crypto_algorithms\s+succeeded\s+1\s+.*weak=\[MD5\]", stdout);
        using var result = JsonDocument.Parse(File.ReadAllBytes(output));
        var results = result.RootElement.GetProperty("results");
        ResultSchemas.AssertValid("source_licenses", results.GetProperty("source_licenses"));
        ResultSchemas.AssertValid("crypto_algorithms", results.GetProperty("crypto_algorithms"));
    }

    [Theory]
    [InlineData("source_licenses", "expression", "MIT")]
    [InlineData("crypto_algorithms", "weak", "MD5")]
    public async Task Worker_runs_a_content_worker_alone(string task, string field, string expected)
    {
        var (exit, stdout, stderr) = await Run("worker", task, Package());

        Assert.True(exit == 0, $"exit {exit}\n{stderr}");
        using var document = JsonDocument.Parse(stdout);
        ResultSchemas.AssertValid(task, document.RootElement);
        var value = document.RootElement.GetProperty("summary").GetProperty(field);
        Assert.Equal(expected, value.ValueKind == JsonValueKind.Array ? value[0].GetString() : value.GetString());
    }
}
