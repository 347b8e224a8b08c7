using System.Text;
using System.Text.Json;
using Cucos.Cli;
using Cucos.Tests.Support;
using static Cucos.Tests.Registries.RegistryTestSupport;

namespace Cucos.Tests.Cli;

/// <summary>
/// <c>cucos analyze … --param analyse_dependencies=N</c> in the embedded cluster: the CLI waits for the analyses the
/// dependency snapshot started (and theirs), lists them, and writes them into <c>--output</c> as a tree.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class CliDependencyAnalysesTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-cli-dependencies");
    private readonly RegistryServer server = new();

    public CliDependencyAnalysesTests()
    {
        // app 1.0.0 needs lib; lib 2.0.0 needs leaf; leaf needs nothing: two levels below the analysed package.
        Release("app", "1.0.0", "lib>=2.0");
        Release("lib", "2.0.0", "leaf");
        Release("leaf", "0.3.0");
    }

    private void Release(string name, string version, params string[] requires)
    {
        var pkgInfo = new StringBuilder($"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nLicense: MIT\n");
        foreach (var requirement in requires)
            pkgInfo.Append("Requires-Dist: ").Append(requirement).Append('\n');
        var sdist = ArchiveBuilder.TarBytes(gzip: true, w =>
        {
            w.AddFile($"{name}-{version}/PKG-INFO", Encoding.UTF8.GetBytes(pkgInfo.ToString()));
            w.AddFile($"{name}-{version}/{name}.py", Encoding.UTF8.GetBytes($"NAME = '{name}'\n"));
        });
        PyPiRelease(server, name, version, ("sdist", $"{name}-{version}.tar.gz", sdist, null));
        server.Map($"/pypi/{name}/json", Reply.Json(new { info = new { name, version }, releases = new Dictionary<string, object[]> { [version] = [] } }));
    }

    private async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = await CucosCli.RunAsync(
            [.. args, "--registry", $"pypi={server.BaseUrl}", "--cache", work.Combine("cache"), "--tasks", "metadata,digests"], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task The_dependency_analyses_are_awaited_listed_and_written_as_a_tree()
    {
        var output = work.Combine("tree.json");
        var (exit, stdout, stderr) = await Run("analyze", "pypi:app@1.0.0", "--param", "analyse_dependencies=2", "--output", output);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains("Waiting for 1 dependency analysis of pypi:app@1.0.0", stderr);
        Assert.Contains("Waiting for 1 dependency analysis of pypi:lib@2.0.0", stderr);
        Assert.Matches(@"pypi:lib@2\.0\.0\s+succeeded", stdout);
        Assert.Matches(@"pypi:leaf@0\.3\.0\s+succeeded", stdout);

        using var document = JsonDocument.Parse(File.ReadAllBytes(output));
        var root = document.RootElement;
        Assert.Equal("app", root.GetProperty("analysis").GetProperty("request").GetProperty("name").GetString());
        var lib = Assert.Single(root.GetProperty("dependencies").EnumerateArray());
        Assert.Equal(("lib", "succeeded"), (lib.GetProperty("analysis").GetProperty("request").GetProperty("name").GetString(), lib.GetProperty("analysis").GetProperty("status").GetString()));
        // Their results are there, not only their status: lib's digests and its own snapshot that started leaf.
        Assert.Equal("pypi:lib:2.0.0", lib.GetProperty("results").GetProperty("digests").GetProperty("_release").GetString());
        ResultSchemas.AssertValid("dependency_snapshot", lib.GetProperty("results").GetProperty("dependency_snapshot"));
        var leaf = Assert.Single(lib.GetProperty("dependencies").EnumerateArray());
        Assert.Equal("leaf", leaf.GetProperty("analysis").GetProperty("request").GetProperty("name").GetString());
        Assert.Equal("succeeded", leaf.GetProperty("analysis").GetProperty("status").GetString());
        Assert.Empty(leaf.GetProperty("dependencies").EnumerateArray());
    }

    [Fact]
    public async Task Without_the_parameter_nothing_is_awaited_and_the_tree_is_empty()
    {
        var output = work.Combine("alone.json");
        var (exit, stdout, stderr) = await Run("analyze", "pypi:app@1.0.0", "--output", output);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.DoesNotContain("dependency analys", stderr, StringComparison.OrdinalIgnoreCase);
        using var document = JsonDocument.Parse(File.ReadAllBytes(output));
        Assert.Empty(document.RootElement.GetProperty("dependencies").EnumerateArray());
        Assert.Equal(1, document.RootElement.GetProperty("results").GetProperty("dependency_snapshot").GetProperty("summary").GetProperty("resolved").GetInt32());
    }

    public void Dispose()
    {
        server.Dispose();
        work.Dispose();
    }
}
