using System.Text.Json;
using Cucos.Cli;
using Cucos.Tests.Support;
using static Cucos.Tests.Registries.RegistryTestSupport;

namespace Cucos.Tests.Cli;

/// <summary><c>cucos analyze ECOSYSTEM:NAME@VERSION</c> in-process, against a loopback PyPI given with --registry.</summary>
[Trait("Category", "Cluster")]
public sealed class CliRegistryTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-cli-registry");
    private readonly RegistryServer server = new();
    private readonly Dictionary<string, byte[]> files = Fixtures.SmallPackage(seed: 21);
    private readonly byte[] sdist;

    public CliRegistryTests()
    {
        sdist = ArchiveBuilder.TarBytes(gzip: true, w =>
        {
            foreach (var (path, content) in files)
                w.AddFile("fixture-1.0.0/" + path, content);
        });
        PyPiRelease(server, "fixture", "1.0.0", ("sdist", "fixture-1.0.0.tar.gz", sdist, null));
    }

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = await CucosCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Analyze_a_pypi_package_fetches_it_and_digests_what_it_unpacked()
    {
        var output = work.Combine("result.json");
        var (exit, stdout, stderr) = await Run("analyze", "pypi:fixture@1.0.0", "--registry", $"pypi={server.BaseUrl}",
            "--output", output, "--quiet", "--cache", work.Combine("cache"));

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        using var result = JsonDocument.Parse(File.ReadAllBytes(output));
        var results = result.RootElement.GetProperty("results");
        ResultSchemas.AssertValid("init", results.GetProperty("init"));
        Assert.Equal(server.Url("/packages/fixture-1.0.0.tar.gz"), results.GetProperty("init").GetProperty("details").GetProperty("download_url").GetString());
        var digests = results.GetProperty("digests");
        Assert.Equal(Sha256(sdist), digests.GetProperty("details").GetProperty("artifact").GetProperty("sha256").GetString());
        var byPath = digests.GetProperty("details").GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("sha256").GetString());
        Assert.Equal(files.Count, byPath.Count);
        foreach (var (path, content) in files)
            Assert.Equal(Fixtures.Expected(content).Sha256, byPath["fixture-1.0.0/" + path]);
        Assert.Equal("pypi:fixture:1.0.0", results.GetProperty("digests").GetProperty("_release").GetString());
        Assert.Empty(Directory.EnumerateFileSystemEntries(work.Combine("cache")));
    }

    [Fact]
    public async Task Keep_cache_leaves_the_artifact_under_ecosystem_name_version()
    {
        var (exit, _, stderr) = await Run("analyze", "pypi:fixture@1.0.0", "--registry", $"pypi={server.BaseUrl}", "--quiet", "--tasks", "digests",
            "--keep-cache", "--cache", work.Combine("cache"));

        Assert.True(exit == 0, stderr);
        var analysisFolder = Assert.Single(Directory.GetDirectories(work.Combine("cache", "pypi", "fixture", "1.0.0")));
        Assert.Equal(sdist, File.ReadAllBytes(Path.Combine(analysisFolder, "artifact", "fixture-1.0.0.tar.gz")));
        Assert.True(File.Exists(Path.Combine(analysisFolder, "package", "fixture-1.0.0", "index.js")));
    }

    [Fact]
    public async Task An_unknown_version_fails_the_analysis_naming_the_registry_without_a_stack()
    {
        var (exit, _, stderr) = await Run("analyze", "pypi:fixture@2.0.0", "--registry", $"pypi={server.BaseUrl}", "--quiet", "--cache", work.Combine("cache"));

        Assert.Equal(1, exit);
        Assert.Contains($"error: the analysis failed: init: package 'fixture' version '2.0.0' was not found in PyPI at {server.BaseUrl} (pypi).", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [InlineData(new[] { "analyze", "npm:serve-static" }, "has no version: write it as npm:NAME@VERSION")]
    [InlineData(new[] { "analyze", "cpan:Moose@2.0" }, "with an ecosystem among npm, nuget, pypi")]
    [InlineData(new[] { "analyze", "pypi:x@1", "--registry", "npm=http://127.0.0.1:9/" }, "npm takes its registry from your .npmrc")]
    [InlineData(new[] { "analyze", "pypi:x@1", "--registry", "pipy=http://127.0.0.1:9/" }, "'pipy' is not an ecosystem with a registry")]
    public async Task Bad_package_arguments_are_usage_errors(string[] args, string expected)
    {
        var (exit, _, stderr) = await Run(args);
        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr);
    }

    public void Dispose()
    {
        server.Dispose();
        work.Dispose();
    }
}
