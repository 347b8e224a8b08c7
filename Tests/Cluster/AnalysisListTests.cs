using Cucos.Grains.Listing;
using Cucos.Messages;
using Cucos.State;
using Cucos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.Cluster;

/// <summary>The cluster-wide list in the in-memory profile: the index grain, newest first, filtered and paged by cursor.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class AnalysisListTests(ClusterFixture fixture)
{
    private IAnalysisListing Listing => fixture.Cluster.GetSiloServiceProvider().GetRequiredService<IAnalysisListing>();

    [Fact]
    public async Task Analyses_of_a_name_come_newest_first_a_page_at_a_time_and_filters_narrow_them()
    {
        var first = fixture.Request("producer");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
            ids.Add((await fixture.RunAsync(first with { Force = true })).AnalysisId);
        var other = await fixture.RunAsync(fixture.Request("producer"));

        var page1 = await Listing.ListAsync(new AnalysisListQuery { Ecosystem = "test", Name = first.Name, Limit = 2 }, default);
        var page2 = await Listing.ListAsync(new AnalysisListQuery { Ecosystem = "test", Name = first.Name, Limit = 2, After = page1.Next }, default);

        Assert.Equal([ids[2], ids[1]], page1.Analyses.Select(a => a.AnalysisId));
        Assert.NotNull(page1.Next);
        Assert.Equal([ids[0]], page2.Analyses.Select(a => a.AnalysisId));
        Assert.Null(page2.Next);
        Assert.All(page1.Analyses.Concat(page2.Analyses), a =>
        {
            Assert.Equal(AnalysisStatus.Succeeded, a.Status);
            Assert.Equal(first.Name, a.Name);
            Assert.NotNull(a.FinishedAt);
        });
        Assert.Empty((await Listing.ListAsync(new AnalysisListQuery { Ecosystem = "test", Name = first.Name, Status = AnalysisStatus.Running }, default)).Analyses);

        // Without a name: every analysis, newest first, the other package's newest of all.
        var newest = await Listing.ListAsync(new AnalysisListQuery { Limit = 500 }, default);
        Assert.Equal(other.AnalysisId, newest.Analyses[0].AnalysisId);
        Assert.Equal(newest.Analyses.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.AnalysisId, StringComparer.Ordinal).Select(a => a.AnalysisId),
            newest.Analyses.Select(a => a.AnalysisId));
        // since/until: the window of the middle analysis only.
        var middle = page1.Analyses[1];
        var window = await Listing.ListAsync(new AnalysisListQuery { Ecosystem = "test", Name = first.Name, Since = middle.CreatedAt, Until = page1.Analyses[0].CreatedAt }, default);
        Assert.Equal([middle.AnalysisId], window.Analyses.Select(a => a.AnalysisId));

        // The status counts take the same package and time filters, and count every status whatever the query's own.
        var counts = await Listing.CountAsync(new AnalysisListQuery { Ecosystem = "test", Name = first.Name, Status = AnalysisStatus.Failed, Limit = 1 }, default);
        var windowCounts = await Listing.CountAsync(new AnalysisListQuery { Ecosystem = "test", Name = first.Name, Since = middle.CreatedAt, Until = page1.Analyses[0].CreatedAt }, default);
        Assert.Equal(3, counts.Counts[AnalysisStatus.Succeeded]);
        Assert.Equal(0, counts.Counts[AnalysisStatus.Running]);
        Assert.Equal(3, counts.Total);
        Assert.Equal(1, windowCounts.Total);
    }
}
