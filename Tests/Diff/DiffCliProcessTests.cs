using System.Text.Json;
using Cucos.Reports.Diff;
using Cucos.Tests.HttpApi;
using Cucos.Tests.Support;

namespace Cucos.Tests.Diff;

/// <summary>
/// <c>cucos diff</c> without --cluster as a real process: both versions analysed on the embedded cluster, the npm
/// registry a loopback server (npm_config_registry), then compared; and what it refuses, each in one line.
/// </summary>
[Trait("Category", "Processes")]
public sealed class DiffCliProcessTests : IDisposable
{
    private const string Tasks = "digests,metadata,dependency_snapshot,supply_chain";
    private readonly TempDirectory work = new("cucos-diff-cli");
    private readonly LoopbackPackages packages = new();

    private Task<(int Exit, string Out, string Err)> CucosAsync(params string[] arguments) =>
        ChildProcess.RunAsync("dotnet", [SiloProcess.CliDll, .. arguments], work.Path, packages.SiloEnvironment());

    [Fact]
    public async Task Without_a_cluster_both_versions_are_analysed_on_the_embedded_cluster_and_compared()
    {
        var (exit, stdout, stderr) = await CucosAsync("diff", $"npm:{LoopbackPackages.UpgradeName}@1.0.0", $"npm:{LoopbackPackages.UpgradeName}@2.0.0",
            "--tasks", Tasks, "--format", "json", "--cache", work.Combine("cache"));

        Assert.True(exit == 0, stderr);
        ResultSchemas.AssertValid("diff", JsonDocument.Parse(stdout).RootElement);
        var diff = DiffWriter.ParseJson(stdout)!;
        Assert.Equal(("1.0.0", "2.0.0"), (diff.From.Version, diff.To.Version));
        var dependency = Assert.Single(diff.Dependencies.Changed);
        Assert.Equal(new ValueChange("1.1.0", "2.0.0"), dependency.ResolvedVersion);
        Assert.Equal([new InstallScript("postinstall", LoopbackPackages.UpgradeInstallScript)], diff.SupplyChain.InstallScriptsAdded);
        Assert.Equal(["package/" + LoopbackPackages.UpgradeAddedFile], diff.Files.Added.Select(f => f.Path));
        Assert.Contains(diff.Files.Changed, f => f.Path == "package/" + LoopbackPackages.UpgradeChangedFile && f.SsdeepSimilarity is > 50 and < 100);
        // Progress went to stderr, out of the document's way.
        Assert.Contains($"npm:{LoopbackPackages.UpgradeName}@2.0.0: succeeded", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_cluster_a_version_that_cannot_be_analysed_an_analysis_id_and_two_packages_are_refused_in_one_line()
    {
        var failed = await CucosAsync("diff", $"npm:{LoopbackPackages.UpgradeName}@1.0.0", $"npm:{LoopbackPackages.UpgradeName}@9.9.9",
            "--tasks", "digests", "--cache", work.Combine("cache"), "--no-retry");
        Assert.True(failed.Exit == 1, failed.Err);
        Assert.Contains($"error: the 'to' version npm:{LoopbackPackages.UpgradeName}@9.9.9 could not be analysed, so there is nothing to compare: init: ", failed.Err, StringComparison.Ordinal);
        Assert.Equal("", failed.Out);

        var id = await CucosAsync("diff", "0123456789abcdef0123456789abcdef", $"npm:{LoopbackPackages.UpgradeName}@2.0.0");
        Assert.Equal(2, id.Exit);
        Assert.Contains("'0123456789abcdef0123456789abcdef' is an analysis id, which only a running cluster knows: give --cluster", id.Err, StringComparison.Ordinal);

        var different = await CucosAsync("diff", $"npm:{LoopbackPackages.UpgradeName}@1.0.0", $"npm:{LoopbackPackages.NpmName}@1.1.0");
        Assert.Equal(1, different.Exit);
        Assert.Contains("are different packages", different.Err, StringComparison.Ordinal);

        var clusterOnly = await CucosAsync("diff", "0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef", "--cluster", "http://127.0.0.1:1", "--cache", "x");
        Assert.Equal(2, clusterOnly.Exit);
        Assert.Contains("--cache is for the embedded cluster", clusterOnly.Err, StringComparison.Ordinal);
        Assert.All(new[] { failed.Err, id.Err, different.Err, clusterOnly.Err }, e => Assert.DoesNotContain("   at ", e, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        packages.Dispose();
        work.Dispose();
    }
}
