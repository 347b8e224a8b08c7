using Cucos.Client;
using Cucos.Messages;
using Cucos.State;
using Cucos.Tests.Support;

namespace Cucos.Tests.Cluster;

/// <summary>The client library: its errors, and a host wired with UseCucosClient against a running silo.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ClientTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Invalid_requests_are_refused_with_what_to_fix()
    {
        var empty = await Assert.ThrowsAsync<InvalidAnalysisRequestException>(() =>
            fixture.Client.StartAnalysisAsync(fixture.Request() with { Name = " " }));
        Assert.Contains("'name' is empty", empty.Message);

        var badEcosystem = await Assert.ThrowsAsync<InvalidAnalysisRequestException>(() =>
            fixture.Client.StartAnalysisAsync(fixture.Request() with { Ecosystem = "Not Valid" }));
        Assert.Contains("ecosystem 'Not Valid' is not valid", badEcosystem.Message);

        var unknownTask = await Assert.ThrowsAsync<InvalidAnalysisRequestException>(() =>
            fixture.Client.StartAnalysisAsync(fixture.Request("no-such-task")));
        Assert.Contains("unknown task(s): no-such-task", unknownTask.Message);
    }

    [Fact]
    public async Task Unknown_analysis_ids_are_reported_clearly()
    {
        Assert.Null(await fixture.Client.GetAnalysisAsync("0123456789abcdef0123456789abcdef"));
        var notFound = await Assert.ThrowsAsync<AnalysisNotFoundException>(() =>
            fixture.Client.WaitForCompletionAsync("0123456789abcdef0123456789abcdef"));
        Assert.Contains("no analysis has the id", notFound.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.GetAnalysisAsync(""));
        await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.GetResultAsync("x", ""));
    }

    [Fact]
    public async Task Wait_reports_progress_and_honours_cancellation()
    {
        var ticket = await fixture.Client.StartAnalysisAsync(fixture.Request("flaky"));
        var seen = new List<AnalysisSnapshot>();
        var analysis = await fixture.Client.WaitForCompletionAsync(ticket.AnalysisId, new SyncProgress(seen.Add), CancellationToken.None);
        Assert.True(seen.Count >= 3, $"saw only {seen.Count} snapshots");
        Assert.Equal(seen.Select(s => s.Revision).Order(), seen.Select(s => s.Revision));
        Assert.Same(seen[^1], analysis);
        Assert.Contains(seen, s => s.Tasks.TryGetValue("flaky", out var t) && t.Status == AnalysisTaskStatus.RetryScheduled);

        var slow = await fixture.Client.StartAnalysisAsync(fixture.Request("waits-an-hour"));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fixture.Client.WaitForCompletionAsync(slow.AnalysisId, cancel.Token));
    }

    [Theory]
    [InlineData("127.0.0.1", "is not of the form host:port")]
    [InlineData("127.0.0.1:99999", "is not of the form host:port")]
    [InlineData("no-such-host.invalid:30000", "could not be resolved")]
    public void Bad_gateways_are_refused_with_what_to_fix(string gateway, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => CucosClientExtensions.ParseGateway(gateway));
        Assert.Contains(expected, error.Message);
    }

    private sealed class SyncProgress(Action<AnalysisSnapshot> report) : IProgress<AnalysisSnapshot>
    {
        public void Report(AnalysisSnapshot value) => report(value);
    }
}
