using Cucos.State;
using Cucos.Tests.Support;

namespace Cucos.Tests.Cluster;

/// <summary>Data dependencies between tasks defined in this test assembly.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class DependencyTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Dependent_task_runs_after_its_parent_and_reads_its_result()
    {
        var analysis = await fixture.RunAsync(fixture.Request("consumer", "producer"));

        var producer = analysis.Tasks["producer"];
        var consumer = analysis.Tasks["consumer"];
        Assert.Equal(AnalysisTaskStatus.Succeeded, consumer.Status);
        Assert.True(consumer.StartedAt >= producer.EndedAt, "the consumer started before the producer ended");
        var result = (await fixture.Client.GetResultAsync(analysis.AnalysisId, "consumer"))!.Value;
        Assert.Equal("produced-for-" + analysis.AnalysisId, result.GetProperty("summary").GetProperty("seen_token").GetString());
    }

    [Fact]
    public async Task Dependency_not_requested_is_added_to_the_flow()
    {
        var analysis = await fixture.RunAsync(fixture.Request("consumer"));

        Assert.Equal(AnalysisTaskStatus.Succeeded, analysis.Tasks["producer"].Status);
        Assert.Equal(AnalysisTaskStatus.Succeeded, analysis.Tasks["consumer"].Status);
        Assert.Equal(["init", "producer"], analysis.Tasks["consumer"].DependsOn.Prepend(analysis.Tasks["consumer"].SpawnedBy!));
    }

    [Fact]
    public async Task Dependent_is_skipped_with_a_reason_when_its_parent_failed()
    {
        var analysis = await fixture.RunAsync(fixture.Request("needs-fatal"));

        var skipped = analysis.Tasks["needs-fatal"];
        Assert.Equal(AnalysisTaskStatus.Skipped, skipped.Status);
        Assert.Equal(0, skipped.Attempts);
        Assert.Equal("'fatal' failed, and this task needs it.", skipped.SkipReason);
        Assert.Null(await fixture.Client.GetResultAsync(analysis.AnalysisId, "needs-fatal"));
    }
}
