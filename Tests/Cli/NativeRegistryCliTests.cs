using System.Diagnostics;
using Cucos.Tests.Support;

namespace Cucos.Tests.Cli;

/// <summary>
/// The CLI as a process with a home folder of its own: a package of an ecosystem whose tool configuration names no
/// registry is refused before the embedded cluster starts, naming the tool's file and Cucos' setting; the tool's own
/// file, once written, is what the CLI then uses.
/// </summary>
[Trait("Category", "Processes")]
public sealed class NativeRegistryCliTests : IDisposable
{
    private readonly TempDirectory home = new("cucos-cli-home");

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [SiloProcess.CliDll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = home.Path,
        };
        start.Environment["HOME"] = home.Path;
        start.Environment["CARGO_HOME"] = home.Combine(".cargo");
        foreach (var variable in new[] { "Cucos__Registries__crates", "CARGO_REGISTRIES_CRATES_IO_INDEX" })
            start.Environment.Remove(variable);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task A_crate_with_no_registry_in_cargos_configuration_is_refused_before_the_cluster_starts()
    {
        var (exit, _, stderr) = await RunAsync("analyze", "crates:itoa@1.0.9", "-q");

        Assert.Equal(1, exit);
        Assert.Contains("no crates URL is configured", stderr, StringComparison.Ordinal);
        Assert.Contains("~/.cargo/config.toml", stderr, StringComparison.Ordinal);
        Assert.Contains("Cucos:Registries:crates", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("init", stderr, StringComparison.Ordinal); // no analysis was started
    }

    [Fact]
    public async Task A_git_index_in_cargos_configuration_is_named_with_what_to_use_instead()
    {
        Directory.CreateDirectory(home.Combine(".cargo"));
        await File.WriteAllTextAsync(home.Combine(".cargo", "config.toml"),
            "[source.crates-io]\nreplace-with = \"corp\"\n[source.corp]\nregistry = \"https://git.corp.example/index.git\"\n");

        var (exit, _, stderr) = await RunAsync("analyze", "crates:itoa@1.0.9", "-q");

        Assert.Equal(1, exit);
        Assert.Contains("is a git index", stderr, StringComparison.Ordinal);
        Assert.Contains("sparse+https://", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => home.Dispose();
}
