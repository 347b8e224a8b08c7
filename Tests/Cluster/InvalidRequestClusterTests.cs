using Cucos.Client;
using Cucos.Messages;
using Cucos.Tests.Support;

namespace Cucos.Tests.Cluster;

/// <summary>The package analysis grain validates where a request enters the cluster, and its exception crosses Orleans whole.</summary>
[Trait("Category", "Cluster")]
[Collection(ClusterCollection.Name)]
public sealed class InvalidRequestClusterTests(ClusterFixture fixture)
{
    [Fact]
    public async Task The_grains_refusal_reaches_the_client_with_every_problem_and_its_field()
    {
        var request = fixture.Request("no-such-task") with { Version = "1 0", Ecosystem = "Not Valid" };

        var invalid = await Assert.ThrowsAsync<InvalidAnalysisRequestException>(() => fixture.Client.StartAnalysisAsync(request));

        Assert.Equal([RequestFields.Ecosystem, RequestFields.Version, RequestFields.Tasks], invalid.Problems.Select(p => p.Field));
        Assert.Equal("ecosystem 'Not Valid' is not valid: use lower-case letters, digits and '-'.", invalid.Problems[0].Message);
        Assert.StartsWith("unknown task(s): no-such-task. The tasks of this cluster are: ", invalid.Problems[2].Message, StringComparison.Ordinal);
        Assert.Equal(InvalidAnalysisRequestException.Sentence(invalid.Problems), invalid.Message);
    }

    [Fact]
    public async Task Listing_and_waiting_for_a_change_go_through_the_client()
    {
        var request = fixture.Request();
        var ticket = await fixture.Client.StartAnalysisAsync(request);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var finished = await fixture.Client.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);

        // A long poll after the last revision answers, when its time is up, with the analysis as it is.
        var same = await fixture.Client.WaitForChangeAsync(ticket.AnalysisId, finished.Revision, TimeSpan.FromMilliseconds(200), timeout.Token);
        Assert.Equal(finished.Revision, same!.Revision);
        var first = await fixture.Client.WaitForChangeAsync(ticket.AnalysisId, -1, TimeSpan.FromSeconds(1), timeout.Token);
        Assert.Equal(finished.Revision, first!.Revision);
        Assert.Null(await fixture.Client.WaitForChangeAsync("0123456789abcdef0123456789abcdef", -1, TimeSpan.FromSeconds(1), timeout.Token));

        var again = await fixture.Client.StartAnalysisAsync(request with { Force = true });
        var list = await fixture.Client.ListAnalysesAsync(request.Ecosystem, request.Name, request.Version, timeout.Token);
        Assert.Equal([ticket.AnalysisId, again.AnalysisId], list.Analyses.Select(a => a.AnalysisId));
        Assert.Equal([false, true], list.Analyses.Select(a => a.Current));
        Assert.Equal(finished.Status, list.Analyses[0].Status);
        await Assert.ThrowsAsync<InvalidAnalysisRequestException>(() => fixture.Client.ListAnalysesAsync("npm", "", "1.0.0"));
    }
}
