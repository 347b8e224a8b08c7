using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cucos.Messages;
using Cucos.State;

namespace Cucos.Grains.Telemetry;

/// <summary>
/// Our own metrics and spans, both under the name <c>Cucos.Orleans</c>. One instance per silo (a DI singleton
/// whose meter comes from the silo's <see cref="IMeterFactory"/>, so two silos in one process keep apart).
/// Every method is cheap when nobody listens: an instrument without a listener returns at once, and
/// <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null; tags are built only when they are used.
/// </summary>
public sealed class CucosTelemetry
{
    /// <summary>The name of our meter and of our activity source.</summary>
    public const string Name = "Cucos.Orleans";

    /// <summary>Spans: one per analysis step (<c>cucos.analysis.step</c>) and one per task attempt (<c>cucos.task</c>).</summary>
    public static readonly ActivitySource ActivitySource = new(Name, typeof(CucosTelemetry).Assembly.GetName().Version?.ToString());

    public const string StepActivity = "cucos.analysis.step";
    public const string TaskActivity = "cucos.task";

    // Tag names: the span attributes follow OpenTelemetry's dotted style; the metric tags stay short.
    public const string AnalysisIdTag = "cucos.analysis.id";
    public const string TaskNameTag = "cucos.task.name";
    public const string AttemptTag = "cucos.task.attempt";

    // Task durations run from milliseconds (no-op workers) to the default 10-minute timeout.
    private static readonly double[] DurationBuckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private readonly Counter<long> analysesStarted;
    private readonly Counter<long> analysesFinished;
    private readonly Histogram<double> taskDuration;
    private readonly Counter<long> taskRetries;
    private readonly UpDownCounter<long> tasksQueued;
    private readonly UpDownCounter<long> tasksRunning;

    public CucosTelemetry(IMeterFactory meters)
    {
        Meter = meters.Create(new MeterOptions(Name) { Version = ActivitySource.Version });
        analysesStarted = Meter.CreateCounter<long>("cucos.analyses.started", "{analysis}",
            "Analyses started (their first step stored).");
        analysesFinished = Meter.CreateCounter<long>("cucos.analyses.finished", "{analysis}",
            "Analyses finished (their final state stored); outcome is succeeded or failed, status the analysis status.");
        taskDuration = Meter.CreateHistogram("cucos.tasks.duration", "s",
            "How long a task attempt ran on this silo, from taking an executor slot to its report.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        taskRetries = Meter.CreateCounter<long>("cucos.tasks.retries", "{attempt}",
            "Attempts of a task after its first, counted when the analysis stores their start.");
        tasksQueued = Meter.CreateUpDownCounter<long>("cucos.tasks.queued", "{attempt}",
            "Attempts waiting for a slot of this silo's task executor.");
        tasksRunning = Meter.CreateUpDownCounter<long>("cucos.tasks.running", "{attempt}",
            "Attempts running in this silo's task executor.");
    }

    public Meter Meter { get; }

    public void AnalysisStarted() => analysesStarted.Add(1);

    public void AnalysisFinished(AnalysisStatus status)
    {
        if (!analysesFinished.Enabled)
            return;
        analysesFinished.Add(1,
            new KeyValuePair<string, object?>("outcome", status == AnalysisStatus.Succeeded ? "succeeded" : "failed"),
            new KeyValuePair<string, object?>("status", StatusName(status)));
    }

    /// <summary>Counts the retries among attempts whose start was just stored.</summary>
    public void AttemptsStarted(List<AnalysisTask> runs)
    {
        if (!taskRetries.Enabled)
            return;
        foreach (var run in runs)
            if (run.Attempts > 1)
                taskRetries.Add(1, new KeyValuePair<string, object?>("task", run.Name));
    }

    public void TaskQueued() => tasksQueued.Add(1);

    public void TaskDequeued() => tasksQueued.Add(-1);

    public void TaskRunning() => tasksRunning.Add(1);

    public void TaskNotRunning() => tasksRunning.Add(-1);

    /// <summary>An attempt ended with a report: its duration since <paramref name="startTimestamp"/> is recorded.</summary>
    public void TaskAttemptEnded(string taskName, AttemptOutcome outcome, long startTimestamp)
    {
        if (!taskDuration.Enabled)
            return;
        taskDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds,
            new KeyValuePair<string, object?>("task", taskName),
            new KeyValuePair<string, object?>("outcome", OutcomeName(outcome)));
    }

    /// <summary>A span for one step of an analysis' pump; null when nobody listens.</summary>
    public static Activity? StartStep(string analysisId, int changes)
    {
        var activity = ActivitySource.StartActivity(StepActivity);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(AnalysisIdTag, analysisId);
            activity.SetTag("cucos.step.changes", changes);
        }
        return activity;
    }

    /// <summary>A span for one task attempt; null when nobody listens.</summary>
    public static Activity? StartTask(TaskAttempt invocation)
    {
        var activity = ActivitySource.StartActivity(TaskActivity);
        if (activity is { IsAllDataRequested: true })
        {
            activity.DisplayName = TaskActivity + " " + invocation.TaskName;
            activity.SetTag(AnalysisIdTag, invocation.AnalysisId);
            activity.SetTag(TaskNameTag, invocation.TaskName);
            activity.SetTag(AttemptTag, invocation.Attempt);
        }
        return activity;
    }

    /// <summary>Marks a task span with the attempt's outcome, and its error when it failed.</summary>
    public static void TaskSpanEnded(Activity? activity, AttemptReport report)
    {
        if (activity is not { IsAllDataRequested: true })
            return;
        activity.SetTag("cucos.task.outcome", OutcomeName(report.Outcome));
        if (report.Error is { } error)
        {
            activity.SetTag("error.type", error.Type);
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
        }
    }

    private static string OutcomeName(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.Succeeded => "succeeded",
        AttemptOutcome.RetryRequested => "retry_requested",
        _ => "failed",
    };

    private static string StatusName(AnalysisStatus status) => status switch
    {
        AnalysisStatus.Succeeded => "succeeded",
        AnalysisStatus.CompletedWithFailures => "completed_with_failures",
        AnalysisStatus.Failed => "failed",
        AnalysisStatus.Cancelled => "cancelled",
        _ => "running",
    };
}
