using System.Collections.Concurrent;
using System.Diagnostics;
using Cucos.Grains.Analysis;
using Cucos.Grains.Telemetry;
using Cucos.State;
using Cucos.Tests.TestTasks;

namespace Cucos.Tests.Observability;

/// <summary>
/// Our instruments, spans and log scopes, read in-process from a silo of a test cluster: each test listens to the
/// silo's meter while it runs its analyses (the tests of one class run one after the other).
/// </summary>
[Trait("Category", "Cluster")]
public sealed class TelemetryTests(TelemetryCluster cluster) : IClassFixture<TelemetryCluster>
{
    private const string Started = "cucos.analyses.started";
    private const string Finished = "cucos.analyses.finished";
    private const string Duration = "cucos.tasks.duration";
    private const string Retries = "cucos.tasks.retries";
    private const string Queued = "cucos.tasks.queued";
    private const string Running = "cucos.tasks.running";

    [Fact]
    public async Task N_analyses_are_started_and_finished_once_each_and_every_attempt_is_timed()
    {
        const int analyses = 4;
        using var capture = new MeasurementCapture(cluster.Telemetry.Meter);

        var requests = Enumerable.Range(0, analyses).Select(_ => cluster.Request("producer")).ToList();
        var results = await Task.WhenAll(requests.Select(cluster.RunAsync));
        // Asking again for the same package versions returns the finished analyses: nothing starts or finishes again.
        var again = await Task.WhenAll(requests.Select(request => cluster.Client.StartAnalysisAsync(request)));

        Assert.All(results, analysis => Assert.Equal(AnalysisStatus.Succeeded, analysis.Status));
        Assert.Equal(results.Select(a => a.AnalysisId), again.Select(t => t.AnalysisId));
        Assert.Equal(analyses, capture.Sum(Started));
        Assert.Equal(analyses, capture.Sum(Finished));
        Assert.Equal(analyses, capture.Sum(Finished, "outcome=succeeded", "status=succeeded"));
        foreach (var task in new[] { "init", "producer", "finalize" })
        {
            var durations = capture.Of(Duration, $"task={task}", "outcome=succeeded");
            Assert.Equal(analyses, durations.Count);
            Assert.All(durations, d => Assert.InRange(d.Value, 0, 60));
        }
        Assert.Equal(3 * analyses, capture.Of(Duration).Count);
        Assert.Equal(0, capture.Sum(Retries));
        // Each attempt entered the queue and the running set once, and left both.
        Assert.Equal(3 * analyses, capture.Of(Queued).Count(m => m.Value > 0));
        Assert.Equal(3 * analyses, capture.Of(Running).Count(m => m.Value > 0));
        Assert.Equal(0, capture.Sum(Queued));
        Assert.Equal(0, capture.Sum(Running));
    }

    [Fact]
    public async Task A_failed_task_or_a_failed_init_finishes_the_analysis_with_the_failed_outcome()
    {
        using var capture = new MeasurementCapture(cluster.Telemetry.Meter);

        var withFailures = await cluster.RunAsync(cluster.Request("fatal"));
        var failed = await cluster.RunAsync(cluster.Request("producer") with { SourcePath = Path.Combine(cluster.PackagePath, "no-such-folder") });

        Assert.Equal(AnalysisStatus.CompletedWithFailures, withFailures.Status);
        Assert.Equal(AnalysisStatus.Failed, failed.Status);
        Assert.Equal(2, capture.Sum(Started));
        Assert.Equal(2, capture.Sum(Finished, "outcome=failed"));
        Assert.Equal(1, capture.Sum(Finished, "outcome=failed", "status=completed_with_failures"));
        Assert.Equal(1, capture.Sum(Finished, "outcome=failed", "status=failed"));
        Assert.Equal(0, capture.Sum(Finished, "outcome=succeeded"));
        Assert.Single(capture.Of(Duration, "task=fatal", "outcome=failed"));
        Assert.Single(capture.Of(Duration, "task=init", "outcome=failed"));
        Assert.Equal(0, capture.Sum(Retries)); // a fatal error is never retried
    }

    [Fact]
    public async Task Retries_are_counted_once_per_retry_and_each_attempt_is_timed()
    {
        using var capture = new MeasurementCapture(cluster.Telemetry.Meter);

        var results = await Task.WhenAll(
            cluster.RunAsync(cluster.Request("always-fails")),
            cluster.RunAsync(cluster.Request("flaky")));

        Assert.Equal(3, results[0].Tasks["always-fails"].Attempts);
        Assert.Equal(2, results[1].Tasks["flaky"].Attempts);
        Assert.Equal(2, capture.Sum(Retries, "task=always-fails"));
        Assert.Equal(1, capture.Sum(Retries, "task=flaky"));
        Assert.Equal(3, capture.Sum(Retries));
        Assert.Equal(3, capture.Of(Duration, "task=always-fails", "outcome=failed").Count);
        Assert.Single(capture.Of(Duration, "task=flaky", "outcome=failed"));
        Assert.Single(capture.Of(Duration, "task=flaky", "outcome=succeeded"));
        Assert.Equal(1, capture.Sum(Finished, "outcome=failed", "status=completed_with_failures"));
        Assert.Equal(1, capture.Sum(Finished, "outcome=succeeded"));
    }

    [Fact]
    public async Task Each_task_attempt_and_analysis_step_is_a_span_tagged_with_the_analysis_and_task()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CucosTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var analysis = await cluster.RunAsync(cluster.Request("producer", "always-fails"));

        // Spans of other tests' silos in this process carry other analysis ids.
        var mine = stopped.Where(a => (string?)a.GetTagItem(CucosTelemetry.AnalysisIdTag) == analysis.AnalysisId).ToList();
        var tasks = mine.Where(a => a.OperationName == CucosTelemetry.TaskActivity).ToList();
        Assert.Equal(["always-fails", "always-fails", "always-fails", "finalize", "init", "producer"],
            tasks.Select(a => (string)a.GetTagItem(CucosTelemetry.TaskNameTag)!).Order(StringComparer.Ordinal));
        Assert.Equal([1, 2, 3], tasks.Where(a => (string?)a.GetTagItem(CucosTelemetry.TaskNameTag) == "always-fails")
            .Select(a => (int)a.GetTagItem(CucosTelemetry.AttemptTag)!).Order());
        Assert.All(tasks.Where(a => (string?)a.GetTagItem(CucosTelemetry.TaskNameTag) == "always-fails"),
            a => Assert.Equal(ActivityStatusCode.Error, a.Status));
        Assert.All(tasks.Where(a => (string?)a.GetTagItem(CucosTelemetry.TaskNameTag) == "producer"),
            a => Assert.Equal("succeeded", a.GetTagItem("cucos.task.outcome")));
        // At least: the start, init's report, the reports of its children, the last report that finishes.
        Assert.True(mine.Count(a => a.OperationName == CucosTelemetry.StepActivity) >= 4,
            $"expected the analysis' steps as spans; saw {string.Join(", ", mine.Select(a => a.OperationName))}");
    }

    [Fact]
    public async Task A_tasks_log_lines_carry_the_analysis_id_and_task_name_in_scope()
    {
        var analysis = await cluster.RunAsync(cluster.Request("logs"));

        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        var line = Assert.Single(cluster.Logs.Lines, l => l.Message == LoggingTask.Message
            && l.Scope.TryGetValue(LogScope.AnalysisIdKey, out var id) && (string?)id == analysis.AnalysisId);
        Assert.Equal("Cucos.Tasks.logs", line.Category);
        Assert.Equal("logs", line.Scope[LogScope.TaskNameKey]);
        Assert.Equal(1, line.Scope[LogScope.AttemptKey]);
        // The analysis grain's own lines carry the analysis id too.
        Assert.Contains(cluster.Logs.Lines, l => l.Category == typeof(AnalysisGrain).FullName
            && l.Message.Contains("started", StringComparison.Ordinal)
            && l.Scope.TryGetValue(LogScope.AnalysisIdKey, out var id) && (string?)id == analysis.AnalysisId);
    }
}
