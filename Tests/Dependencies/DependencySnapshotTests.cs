using System.Text.Json;
using System.Text;
using Cucos.Grains.Execution;
using Cucos.Messages;
using Cucos.Sdk.Ecosystems;
using Cucos.Sdk;
using Cucos.Tests.Metadata;
using Cucos.Tests.Support;
using Cucos.Workers.Dependencies;
using Cucos.Workers.Ecosystems.Crates;
using Cucos.Workers.Ecosystems.Go;
using Cucos.Workers.Ecosystems.Maven;
using Cucos.Workers.Ecosystems.Npm;
using Cucos.Workers.Ecosystems.Nuget;
using Cucos.Workers.Ecosystems.PyPi;
using Cucos.Workers.Ecosystems.RubyGems;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.Dependencies;

/// <summary>metadata then dependency_snapshot, run through their lifecycles with a registry listing fixed versions.</summary>
[Trait("Category", "Unit")]
public sealed class DependencySnapshotTests : IDisposable
{
    private readonly TempDirectory package = new("cucos-deps");

    private void Write(string path, string text) => package.WriteFile(path, Encoding.UTF8.GetBytes(text));

    private async Task<JsonElement> Snapshot(IServiceProvider services, Dictionary<string, string>? parameters = null)
    {
        var results = new InMemoryTaskResultStore();
        await WorkerRun.RunAsync(new MetadataTask(), package.Path, results);
        return await WorkerRun.RunAsync(new DependencySnapshotTask(), package.Path, results, services, parameters);
    }

    private static Dictionary<string, JsonElement> ByName(JsonElement document) =>
        document.GetProperty("details").GetProperty("dependencies").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);

    [Fact]
    public async Task Npm_dependencies_resolve_against_the_registrys_versions_each_package_looked_up_once()
    {
        Write("package.json", """
            {
              "name": "app", "version": "1.0.0",
              "dependencies": {
                "left-pad": "^1.1.0",
                "pad": "npm:left-pad@~1.1.0",
                "debug": ">=5",
                "ghost": "^1.0.0",
                "fork": "github:me/fork",
                "tagged": "latest"
              }
            }
            """);
        var source = new FixedVersionSource("npm", new Dictionary<string, string[]>
        {
            ["left-pad"] = ["1.0.0", "1.1.0", "1.1.3", "1.3.0", "2.0.0-beta.1"],
            ["debug"] = ["4.3.4"],
            ["tagged"] = ["1.0.0"],
        });
        using var services = new ServiceCollection().AddSingleton<IPackageVersionSource>(source).BuildServiceProvider();
        var before = DateTimeOffset.UtcNow;

        var document = await Snapshot(services);

        var deps = ByName(document);
        Assert.Equal("1.3.0", deps["left-pad"].GetProperty("resolved_version").GetString());
        Assert.Equal("resolved", deps["left-pad"].GetProperty("status").GetString());
        Assert.Equal("^1.1.0", deps["left-pad"].GetProperty("spec").GetString());
        Assert.Equal("1.1.3", deps["pad"].GetProperty("resolved_version").GetString());
        Assert.Equal("left-pad", deps["pad"].GetProperty("package").GetString());
        Assert.Equal(1, source.Lookups["left-pad"]); // the alias and the direct dependency share one lookup
        Assert.Contains("no listed version satisfies '>=5'", deps["debug"].GetProperty("reason").GetString());
        Assert.Contains("'ghost' was not found in the test registry", deps["ghost"].GetProperty("reason").GetString());
        Assert.Contains("not a registry version", deps["fork"].GetProperty("reason").GetString());
        Assert.False(source.Lookups.ContainsKey("fork"));
        Assert.Contains("dist-tag", deps["tagged"].GetProperty("reason").GetString());
        foreach (var dependency in deps.Values)
            Assert.InRange(dependency.GetProperty("resolved_at").GetDateTimeOffset(), before, DateTimeOffset.UtcNow);

        var summary = document.GetProperty("summary");
        Assert.Equal(6, summary.GetProperty("dependencies").GetInt32());
        Assert.Equal(2, summary.GetProperty("resolved").GetInt32());
        Assert.Equal(4, summary.GetProperty("unresolvable").GetInt32());
        Assert.Equal("not requested", document.GetProperty("details").GetProperty("analyses").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Without_a_registry_for_the_ecosystem_every_dependency_is_unresolvable_with_the_reason()
    {
        Write("pyproject.toml", """
            [project]
            name = "p"
            version = "1"
            dependencies = ["requests>=2", "pkg @ https://example.org/pkg.tar.gz"]
            """);
        using var services = new ServiceCollection()
            .AddSingleton<IPackageVersionSource>(new FixedVersionSource("npm", new Dictionary<string, string[]>()))
            .BuildServiceProvider();

        var deps = ByName(await Snapshot(services));

        Assert.Contains("no registry is configured for pypi", deps["requests"].GetProperty("reason").GetString());
        Assert.Contains("a URL, not a registry version", deps["pkg"].GetProperty("reason").GetString());
        Assert.All(deps.Values, d => Assert.Equal(JsonValueKind.Null, d.GetProperty("resolved_version").ValueKind));
    }

    [Fact]
    public async Task Analysing_dependencies_without_a_cluster_says_so_and_a_bad_depth_is_refused()
    {
        Write("Cargo.toml", "[package]\nname = \"c\"\nversion = \"0.1.0\"\n[dependencies]\nrand = \"0.8\"\n");
        using var services = new ServiceCollection()
            .AddSingleton<IPackageVersionSource>(new FixedVersionSource("crates", new Dictionary<string, string[]> { ["rand"] = ["0.8.5", "0.9.0"] }))
            .BuildServiceProvider();

        var document = await Snapshot(services, new() { [DependencySnapshotTask.DepthParameter] = "2" });

        Assert.Equal("0.8.5", ByName(document)["rand"].GetProperty("resolved_version").GetString());
        var analyses = document.GetProperty("details").GetProperty("analyses");
        Assert.Equal(2, analyses.GetProperty("requested_depth").GetInt32());
        Assert.StartsWith("not started: no cluster", analyses.GetProperty("status").GetString());

        var results = new InMemoryTaskResultStore();
        await results.SaveAsync(MetadataTask.TaskName, 1, await WorkerRun.RunAsync(new MetadataTask(), package.Path), CancellationToken.None);
        var attempt = await TaskRunner.RunAsync(new DependencySnapshotTask(), new TaskContext
        {
            AnalysisId = "test", TaskName = DependencySnapshotTask.TaskName, CachePath = package.Path, PackagePath = package.Path, Results = results,
            Request = AnalysisRequest.ForLocalPath(package.Path).ToRequestView() with { Parameters = new() { [DependencySnapshotTask.DepthParameter] = "two" } },
        }, CancellationToken.None);
        Assert.True(attempt.Report.Error!.Fatal);
        Assert.Contains("analyse_dependencies='two' is not a whole number", attempt.Report.Error.Message);
    }

    [Theory]
    [InlineData("6")]
    [InlineData("2147483647")]
    public async Task A_depth_over_the_cap_is_refused_before_anything_starts(string depth)
    {
        Write("Cargo.toml", "[package]\nname = \"c\"\nversion = \"0.1.0\"\n[dependencies]\nrand = \"0.8\"\n");
        var results = new InMemoryTaskResultStore();
        await results.SaveAsync(MetadataTask.TaskName, 1, await WorkerRun.RunAsync(new MetadataTask(), package.Path), CancellationToken.None);

        var attempt = await TaskRunner.RunAsync(new DependencySnapshotTask(), new TaskContext
        {
            AnalysisId = "test", TaskName = DependencySnapshotTask.TaskName, CachePath = package.Path, PackagePath = package.Path, Results = results,
            Request = AnalysisRequest.ForLocalPath(package.Path).ToRequestView() with { Parameters = new() { [DependencySnapshotTask.DepthParameter] = depth } },
        }, CancellationToken.None);

        Assert.True(attempt.Report.Error!.Fatal);
        Assert.Equal($"parameter analyse_dependencies={depth} is over the limit of {DependencySnapshotTask.MaxDepth}: give a depth from 0 to {DependencySnapshotTask.MaxDepth}.",
            attempt.Report.Error.Message);
    }

    public void Dispose() => package.Dispose();
}
