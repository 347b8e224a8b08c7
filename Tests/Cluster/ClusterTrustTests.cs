using System.Text.Json;
using Cucos.Grains;
using Cucos.Grains.Hosting;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.State;
using Cucos.Tests.Observability;
using Cucos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;

namespace Cucos.Tests.Cluster;

/// <summary>A cluster of its own whose silo logs into a capture, and analyses local paths only under the fixture package's folder.</summary>
public sealed class TrustCluster : ClusterFixture
{
    public LogCapture Logs { get; } = new();

    protected override void Configure(InProcessTestClusterBuilder builder)
    {
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Logging.AddProvider(Logs).AddFilter<LogCapture>(null, LogLevel.Information);
            host.Services.PostConfigure<CucosSiloOptions>(options => options.LocalPathRoots = [PackagePath]);
        });
    }

    /// <summary>Waits (at most a minute, for a loaded machine) for a line of the silo's log.</summary>
    public async Task<LogCapture.CapturedLine> LineAsync(Func<LogCapture.CapturedLine, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            if (Logs.Lines.FirstOrDefault(match) is { } line)
                return line;
            await Task.Delay(50, timeout.Token);
        }
    }
}

/// <summary>
/// Grains take nothing on trust (issue 22): an outside client reaches only the client methods, the executor runs only
/// attempts their analysis dispatched, and local paths are analysed only where the operator allows.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterTrustTests(TrustCluster fixture) : IClassFixture<TrustCluster>
{
    private static readonly TaskAttempt Forged = new() { AnalysisId = "someone-else", TaskName = CucosFlow.RootTask, Attempt = 99 };

    [Fact]
    public async Task An_outside_client_is_refused_every_method_that_belongs_to_the_cluster()
    {
        var outside = fixture.Grains;
        var analysis = outside.GetGrain<IAnalysisGrain>("someone-else");
        var refusals = new (string Method, Func<Task> Call)[]
        {
            ("IExecutorGrain.StartAsync", () => outside.GetGrain<IExecutorGrain>(0).StartAsync([Forged])),
            ("ICallbackGrain.InvokeAsync", () => outside.GetGrain<ICallbackGrain>(GrainKeys.Callback("someone-else", CucosFlow.FinalizeTask)).InvokeAsync(Forged)),
            ("IAnalysisGrain.StartAsync", () => analysis.StartAsync(fixture.Request())),
            ("IAnalysisGrain.ReportAsync", () => analysis.ReportAsync([new AttemptReport { TaskName = CucosFlow.RootTask, Attempt = 1, Outcome = AttemptOutcome.Succeeded }])),
            ("IAnalysisGrain.ConfirmDispatchedAsync", () => analysis.ConfirmDispatchedAsync([Forged], [Forged])),
            ("IAnalysisGrain.AttemptStartingAsync", () => analysis.AttemptStartingAsync(Forged)),
        };
        foreach (var (method, call) in refusals)
        {
            var refused = await Assert.ThrowsAsync<CallRefusedException>(call);
            Assert.StartsWith($"{method} belongs to the cluster and is refused to a client", refused.Message);
        }

        // The client's own methods answer.
        Assert.Null(await analysis.GetAsync());
        var finished = await fixture.RunAsync(fixture.Request("producer"));
        Assert.Equal(AnalysisStatus.Succeeded, finished.Status);
    }

    [Fact]
    public async Task An_attempt_its_analysis_did_not_dispatch_runs_nothing_and_replaces_no_result()
    {
        var analysis = await fixture.RunAsync(fixture.Request("producer") with { KeepCache = true });
        var before = await Documents(analysis.AnalysisId);
        var cacheFiles = Directory.GetFiles(analysis.CachePath, "*", SearchOption.AllDirectories).Length;

        // As if the outside client had got past the gateway's check: the silo's own door, attempts nobody dispatched.
        await fixture.SiloGrains.GetGrain<IExecutorGrain>(0).StartAsync(
        [
            new TaskAttempt { AnalysisId = analysis.AnalysisId, TaskName = CucosFlow.RootTask, Attempt = 7 },
            new TaskAttempt { AnalysisId = analysis.AnalysisId, TaskName = "producer", Attempt = 1 },
        ]);
        await fixture.LineAsync(line => line.Message.Contains($"Attempts init#7, producer#1 of analysis {analysis.AnalysisId} not run", StringComparison.Ordinal));

        Assert.Equal(before, await Documents(analysis.AnalysisId));
        Assert.Equal(analysis.Revision, (await fixture.Client.GetAnalysisAsync(analysis.AnalysisId))!.Revision);
        // Init would have emptied the cache folder to start again.
        Assert.Equal(cacheFiles, Directory.GetFiles(analysis.CachePath, "*", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public async Task An_analysis_confirms_only_the_attempts_it_is_running()
    {
        var analysis = await fixture.RunAsync(fixture.Request("producer"));
        var grain = fixture.SiloGrains.GetGrain<IAnalysisGrain>(analysis.AnalysisId);

        TaskAttempt producer = new() { AnalysisId = analysis.AnalysisId, TaskName = "producer", Attempt = 1 };
        TaskAttempt elsewhere = new() { AnalysisId = "someone-else", TaskName = "producer", Attempt = 1 };
        var finished = await grain.ConfirmDispatchedAsync([producer], [producer]);
        var otherAnalysis = await grain.ConfirmDispatchedAsync([elsewhere], [elsewhere]);

        Assert.Empty(finished!.Confirmed);
        Assert.Empty(otherAnalysis!.Confirmed);
        Assert.Equal(analysis.Request.Release, finished.Request.Release);
        Assert.Null(await fixture.SiloGrains.GetGrain<IAnalysisGrain>("no-such-analysis").ConfirmDispatchedAsync([Forged], [Forged]));
        // An attempt that is not running, or not this analysis', may not start either, and marks nothing.
        Assert.False(await grain.AttemptStartingAsync(producer));
        Assert.False(await grain.AttemptStartingAsync(elsewhere));
        Assert.False(await fixture.SiloGrains.GetGrain<IAnalysisGrain>("no-such-analysis").AttemptStartingAsync(Forged));
        var after = (await fixture.Client.GetAnalysisAsync(analysis.AnalysisId))!;
        Assert.Equal(analysis.Revision, after.Revision);
        Assert.Equal(analysis.Tasks["producer"].AttemptStartedAt, after.Tasks["producer"].AttemptStartedAt);
    }

    [Fact]
    public async Task A_local_path_outside_the_operator_s_folders_is_refused_with_the_field_named()
    {
        var refused = await Assert.ThrowsAsync<InvalidAnalysisRequestException>(
            () => fixture.Client.StartAnalysisAsync(AnalysisRequest.ForLocalPath(fixture.CacheRoot)));

        var problem = Assert.Single(refused.Problems);
        Assert.Equal(RequestFields.SourcePath, problem.Field);
        Assert.Contains("is outside the folders this cluster analyses local paths in", problem.Message);
    }

    private async Task<Dictionary<string, string?>> Documents(string analysisId)
    {
        var documents = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var task in new[] { CucosFlow.RootTask, "producer" })
            documents[task] = (await fixture.Client.GetResultAsync(analysisId, task)) is JsonElement document ? document.GetRawText() : null;
        return documents;
    }
}
