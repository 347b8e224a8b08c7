using System.Text;
using System.Text.Json;
using Cucos.Cli;
using Cucos.Tests.Support;

namespace Cucos.Tests.Metadata;

/// <summary>metadata and dependency_snapshot from the command line: in the default flow, and alone.</summary>
[Trait("Category", "Cluster")]
public sealed class MetadataCliTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-cli-metadata");

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = await CucosCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string Package()
    {
        // A crate: the CLI has no crates registry configured, so nothing here reaches the network.
        work.WriteFile("pkg/Cargo.toml", Encoding.UTF8.GetBytes("""
            [package]
            name = "cli-app"
            version = "0.4.2"
            license = "Apache-2.0"

            [dependencies]
            left-pad = "1.3"
            """));
        return work.Combine("pkg");
    }

    [Fact]
    public async Task Analyze_runs_metadata_and_its_child_and_prints_their_summaries()
    {
        var (exit, stdout, stderr) = await Run("analyze", Package(), "--cache", work.Combine("cache"));

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Matches(@"metadata\s+succeeded\s+1\s.*ecosystem=crates name=cli-app version=0.4.2 declared_license=Apache-2.0 dependencies=1", stdout);
        // The CLI has no registry configured: the dependency is listed as unresolvable, not dropped.
        Assert.Matches(@"dependency_snapshot\s+succeeded\s+1\s.*ecosystem=crates dependencies=1 resolved=0 unresolvable=1", stdout);
    }

    [Fact]
    public async Task Each_runs_alone_with_the_worker_command()
    {
        var package = Package();
        var metadataFile = work.Combine("metadata.json");
        var (exit, _, stderr) = await Run("worker", "metadata", package, "--output", metadataFile);
        Assert.True(exit == 0, stderr);
        using (var metadata = JsonDocument.Parse(File.ReadAllBytes(metadataFile)))
            ResultSchemas.AssertValid("metadata", metadata.RootElement);

        var (snapshotExit, stdout, snapshotErr) = await Run("worker", "dependency_snapshot", package,
            "--with-result", "metadata=" + metadataFile, "--param", "analyse_dependencies=1");

        Assert.True(snapshotExit == 0, snapshotErr);
        using var snapshot = JsonDocument.Parse(stdout);
        ResultSchemas.AssertValid("dependency_snapshot", snapshot.RootElement);
        Assert.StartsWith("not started: no cluster", snapshot.RootElement.GetProperty("details").GetProperty("analyses").GetProperty("status").GetString());
    }

    public void Dispose() => work.Dispose();
}
