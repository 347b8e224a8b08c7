using System.Diagnostics;
using Cucos.Tests.Support;

namespace Cucos.Tests.Cli;

/// <summary>The CLI and the silo as real processes: a pipe into jq, the .NET tool installed from its package, the silo's first words.</summary>
[Trait("Category", "Processes")]
public sealed class CliProcessTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-cli-process");

    private static Task<(int Exit, string Out, string Err)> RunProcess(string file, IEnumerable<string> args, string? workingDirectory = null) =>
        ChildProcess.RunAsync(file, args, workingDirectory);

    [Fact]
    public async Task Analyze_format_json_pipes_into_jq()
    {
        var package = work.Combine("pkg");
        Fixtures.WriteTree(package, Fixtures.SmallPackage(seed: 9));
        var command = $"dotnet '{SiloProcess.CliDll}' analyze '{package}' --format json --tasks digests --cache '{work.Combine("cache")}' | jq -r '.analysis.status, (.results.digests.details.files | length)'";

        var (exit, stdout, stderr) = await RunProcess("bash", ["-o", "pipefail", "-c", command]);

        Assert.True(exit == 0, stderr);
        Assert.Equal(["succeeded", "4"], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(": succeeded in", stderr, StringComparison.Ordinal); // the summary, out of the pipe's way
        Assert.Contains("] digests", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_packs_as_a_dotnet_tool_that_installs_and_runs()
    {
        var (feed, tools) = (work.Combine("feed"), work.Combine("tools"));
        var project = Path.Combine(SiloProcess.RepositoryRoot(), "Cli", "Cucos.Orleans.Cli.csproj");
        var pack = await RunProcess("dotnet", ["pack", project, "--no-build", "--configuration", SiloProcess.Configuration, "--output", feed]);
        Assert.True(pack.Exit == 0, pack.Out + pack.Err);
        var version = typeof(Cucos.Cli.CucosCli).Assembly.GetName().Version!.ToString(3);
        Assert.True(File.Exists(Path.Combine(feed, $"Cucos.Orleans.Cli.{version}.nupkg")), string.Join(", ", Directory.GetFiles(feed)));

        var install = await RunProcess("dotnet", ["tool", "install", "Cucos.Orleans.Cli", "--tool-path", tools, "--add-source", feed, "--version", version, "--ignore-failed-sources"]);
        Assert.True(install.Exit == 0, install.Out + install.Err);

        var run = await RunProcess(Path.Combine(tools, "cucos"), ["--version"], workingDirectory: work.Path);
        Assert.True(run.Exit == 0, run.Err);
        Assert.Equal($"cucos {version}", run.Out.Trim());
    }

    [Theory]
    [InlineData("--help", "usage: cucos-silo")]
    [InlineData("--version", "cucos-silo ")]
    public async Task The_silo_prints_help_and_version_without_starting(string option, string expected)
    {
        var (exit, stdout, stderr) = await RunProcess("dotnet", [SiloProcess.SiloDll, option], workingDirectory: work.Path);

        Assert.True(exit == 0, stderr);
        Assert.StartsWith(expected, stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("started", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_silo_started_from_another_folder_reads_its_appsettings_and_says_what_it_runs()
    {
        var elsewhere = Directory.CreateDirectory(work.Combine("elsewhere")).FullName;
        var clusterId = "first-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = SiloProcess.StartNoWaitFrom(elsewhere, work.Combine("cache"), clusterId, new Dictionary<string, string>());

        Assert.True(await silo.WaitForOutputAsync("tasks loaded:", TimeSpan.FromSeconds(90)), silo.Output);
        var output = silo.Output;
        Assert.Contains($"settings from {Path.GetDirectoryName(SiloProcess.SiloDll)}", output, StringComparison.Ordinal);
        Assert.Contains($"cluster id {clusterId}", output, StringComparison.Ordinal);
        Assert.Contains("profile memory", output, StringComparison.Ordinal);
        Assert.Contains($":{silo.HttpPort}", output, StringComparison.Ordinal);
        Assert.Contains("digests 1.", output, StringComparison.Ordinal);
        // appsettings.json sets the Orleans categories to Warning: read, none of their information lines show.
        Assert.DoesNotContain("info: Orleans.", output, StringComparison.Ordinal);
    }

    public void Dispose() => work.Dispose();
}
