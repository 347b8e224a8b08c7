using Cucos.Grains;
using Cucos.State;
using Cucos.Tests.Support;
using Cucos.Tests.TestTasks;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.Cluster;

/// <summary>Reminders: the durable wake-up that fires retries and resumes lost work.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class WatchdogTests(ClusterFixture fixture)
{
    private async Task<int> ReminderCount(string analysisId)
    {
        var silo = fixture.Cluster.Silos[0];
        var table = fixture.Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<IReminderTable>();
        var grainId = fixture.Grains.GetGrain<IAnalysisGrain>(analysisId).GetGrainId();
        return (await table.ReadRows(grainId)).Reminders.Count;
    }

    [Fact]
    public async Task Lost_worker_is_resumed_by_the_watchdog_and_its_late_result_is_dropped()
    {
        var analysis = await fixture.RunAsync(fixture.Request("lost-once"));

        var task = analysis.Tasks["lost-once"];
        Assert.Equal(AnalysisTaskStatus.Succeeded, task.Status);
        Assert.Equal(2, task.Attempts);
        Assert.Equal("Cucos.WorkerLost", task.Error!.Type);

        // Attempt 1 wakes up after the analysis finished: neither its result nor its report may count.
        await TestTaskLog.Zombie(analysis.AnalysisId).Task.WaitAsync(TimeSpan.FromSeconds(30));
        var document = (await fixture.Client.GetResultAsync(analysis.AnalysisId, "lost-once"))!.Value;
        Assert.Equal(2, document.GetProperty("_audit").GetProperty("attempt").GetInt32());
        var after = (await fixture.Client.GetAnalysisAsync(analysis.AnalysisId))!;
        Assert.Equal(analysis.Revision, after.Revision);
        Assert.Equal(2, after.Tasks["lost-once"].Attempts);
    }

    [Fact]
    public async Task Waiting_retry_is_held_by_a_reminder_that_is_removed_when_the_analysis_finishes()
    {
        var ticket = await fixture.Client.StartAnalysisAsync(fixture.Request("waits-an-hour"));
        AnalysisSnapshot? analysis = null;
        for (var i = 0; i < 100 && analysis?.Tasks.GetValueOrDefault("waits-an-hour")?.Status != AnalysisTaskStatus.RetryScheduled; i++)
        {
            await Task.Delay(100);
            analysis = await fixture.Client.GetAnalysisAsync(ticket.AnalysisId);
        }
        var waiting = analysis!.Tasks["waits-an-hour"];
        Assert.Equal(AnalysisTaskStatus.RetryScheduled, waiting.Status);
        Assert.InRange(waiting.NextAttemptAt!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));
        Assert.Equal(1, await ReminderCount(ticket.AnalysisId));

        var finished = await fixture.RunAsync(fixture.Request("producer"));
        Assert.Equal(0, await ReminderCount(finished.AnalysisId));
    }
}
