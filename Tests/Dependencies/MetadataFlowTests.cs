using System.Text;
using Cucos.Grains.Hosting;
using Cucos.Grains;
using Cucos.Messages;
using Cucos.Sdk.Ecosystems;
using Cucos.Sdk;
using Cucos.State;
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
using Orleans.TestingHost;

namespace Cucos.Tests.Dependencies;

/// <summary>Reads metadata's result: a task that depends on metadata, as the GitHub and licence workers do.</summary>
public sealed class RepositoryReaderTask : BaseTask
{
    public override string Name => "repository_reader";
    public override string Description => "test task reading metadata's repository";
    public override bool InDefaultFlow => false;
    public override IReadOnlyList<string> DependsOn => [MetadataTask.TaskName];

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var metadata = (await context.GetResultAsync(MetadataTask.TaskName, cancellationToken))!.Value;
        return TaskResult.Success(new { url = metadata.GetProperty("details").GetProperty("code_repository").GetProperty("url").GetString() });
    }
}

/// <summary>A full analysis on a one-silo cluster: init, metadata, then dependency_snapshot and a dependent task, in order.</summary>
[Trait("Category", "Cluster")]
public sealed class MetadataFlowTests : IAsyncLifetime
{
    private static readonly FixedVersionSource Registry = new("npm", new Dictionary<string, string[]>
    {
        ["left-pad"] = ["1.0.0", "1.3.0", "2.0.0"],
        ["ms"] = ["2.1.2", "2.1.3"],
    });

    private readonly TempDirectory cache = new("cucos-cache");
    private readonly TempDirectory package = new("cucos-package");
    private InProcessTestCluster cluster = null!;

    public async Task InitializeAsync()
    {
        package.WriteFile("package.json", Encoding.UTF8.GetBytes("""
            {
              "name": "flow-app", "version": "1.0.0", "repository": "github:flow/app",
              "dependencies": { "left-pad": "^1.0.0", "pad": "npm:left-pad@1.3.0", "ms": "~2.1.0" }
            }
            """));
        var builder = ClusterFixture.CreateBuilder(cache.Path, silo => silo.UseCucosInMemoryStorage());
        builder.ConfigureSiloHost((_, host) => host.Services.AddSingleton<IPackageVersionSource>(Registry).AddCucosTask<RepositoryReaderTask>());
        cluster = builder.Build();
        await cluster.DeployAsync();
    }

    [Fact]
    public async Task Metadata_runs_before_its_child_and_its_dependent_and_dependencies_are_analysed_once()
    {
        var client = cluster.Client.ServiceProvider.GetRequiredService<Client.ICucosClient>();
        var request = AnalysisRequest.ForLocalPath(package.Path, tasks: [MetadataTask.TaskName, "repository_reader"]) with
        {
            Parameters = new() { [DependencySnapshotTask.DepthParameter] = "1" },
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));

        var analysis = await client.WaitForCompletionAsync((await client.StartAnalysisAsync(request)).AnalysisId, timeout.Token);

        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        var (metadata, snapshot, reader) = (analysis.Tasks["metadata"], analysis.Tasks["dependency_snapshot"], analysis.Tasks["repository_reader"]);
        Assert.Equal("metadata", snapshot.SpawnedBy); // a child of metadata, not of init
        Assert.True(metadata.EndedAt <= snapshot.StartedAt, "dependency_snapshot started before metadata ended");
        Assert.True(metadata.EndedAt <= reader.StartedAt, "repository_reader started before metadata ended");
        Assert.Equal("https://github.com/flow/app", reader.Summary!.Value.GetProperty("url").GetString());

        var document = (await client.GetResultAsync(analysis.AnalysisId, "dependency_snapshot"))!.Value;
        ResultSchemas.AssertValid("dependency_snapshot", document);
        ResultSchemas.AssertValid("metadata", (await client.GetResultAsync(analysis.AnalysisId, "metadata"))!.Value);
        var started = document.GetProperty("details").GetProperty("analyses").GetProperty("started").EnumerateArray()
            .Select(a => $"{a.GetProperty("name").GetString()}@{a.GetProperty("version").GetString()}").Order().ToList();
        // left-pad and its alias both resolve to 1.3.0: one analysis.
        Assert.Equal(["left-pad@1.3.0", "ms@2.1.3"], started);

        // A second analysis of the package finds the dependencies' analyses already there.
        var again = await client.WaitForCompletionAsync((await client.StartAnalysisAsync(request with { Force = true })).AnalysisId, timeout.Token);
        var second = (await client.GetResultAsync(again.AnalysisId, "dependency_snapshot"))!.Value;
        Assert.All(second.GetProperty("details").GetProperty("analyses").GetProperty("started").EnumerateArray(),
            a => Assert.False(a.GetProperty("created").GetBoolean()));
        Assert.Single(await cluster.Client.GetGrain<IPackageAnalysisGrain>(GrainKeys.Package("npm", "left-pad", "1.3.0")).GetHistoryAsync());
        Assert.Single(await cluster.Client.GetGrain<IPackageAnalysisGrain>(GrainKeys.Package("npm", "ms", "2.1.3")).GetHistoryAsync());
    }

    public async Task DisposeAsync()
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
        cache.Dispose();
        package.Dispose();
    }
}
