using Cucos.Tests.Support;

namespace Cucos.Tests.Cluster;

/// <summary>One analysis per package version, however many ask at once.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class DeduplicationTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Twenty_concurrent_requests_share_one_analysis_and_force_starts_another()
    {
        var request = fixture.Request("producer");

        var tickets = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => fixture.Client.StartAnalysisAsync(request))));

        var id = Assert.Single(tickets.Select(t => t.AnalysisId).Distinct());
        Assert.Single(tickets, t => t.Created);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await fixture.Client.WaitForCompletionAsync(id, timeout.Token);

        var again = await fixture.Client.StartAnalysisAsync(request);
        Assert.Equal(id, again.AnalysisId);
        Assert.False(again.Created);

        var forced = await fixture.Client.StartAnalysisAsync(request with { Force = true });
        Assert.NotEqual(id, forced.AnalysisId);
        Assert.True(forced.Created);
        var history = await fixture.Grains.GetGrain<Grains.IPackageAnalysisGrain>(GrainKeys.Package(request.Ecosystem, request.Name, request.Version)).GetHistoryAsync();
        Assert.Equal([id, forced.AnalysisId], history);
        Assert.Equal(State.AnalysisStatus.Succeeded, (await fixture.Client.WaitForCompletionAsync(forced.AnalysisId, timeout.Token)).Status);
    }
}
