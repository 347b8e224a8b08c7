using System.Text.Json;
using Cucos.Messages;

namespace Cucos.State;

/// <summary>An analysis as stored by its grain and as shown to clients.</summary>
[GenerateSerializer, Alias("cucos.AnalysisSnapshot")]
public sealed record AnalysisSnapshot
{
    [Id(0)] public required string AnalysisId { get; init; }
    [Id(1)] public required AnalysisRequest Request { get; init; }
    [Id(2)] public AnalysisStatus Status { get; set; }
    [Id(3)] public DateTimeOffset CreatedAt { get; init; }
    [Id(4)] public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>Where init puts the artifact and the extracted tree for the workers.</summary>
    [Id(5)] public required string CachePath { get; init; }
    [Id(6)] public Dictionary<string, AnalysisTask> Tasks { get; init; } = [];
    /// <summary>Grows with every change, so a waiting client knows when there is news.</summary>
    [Id(7)] public long Revision { get; set; }
    /// <summary>Written by the callback once every task is final.</summary>
    [Id(8)] public JsonElement? Summary { get; set; }
    /// <summary>Every re-run of a task of this analysis, oldest first (<c>IAnalysisGrain.RerunTaskAsync</c>).</summary>
    [Id(9)] public List<TaskRerun> Reruns { get; init; } = [];
    /// <summary>When a cancel was asked for; from then on only callbacks run, and the analysis ends <see cref="AnalysisStatus.Cancelled"/>.</summary>
    [Id(10)] public DateTimeOffset? CancelledAt { get; set; }

    public bool IsFinished => FinishedAt is not null;

    /// <summary>
    /// The status this analysis ends with once every task is final: <c>cancelled</c> after a cancel, <c>failed</c> when
    /// init did not succeed, <c>succeeded</c> when every task did, else <c>completed_with_failures</c>. The webhook does not
    /// count: it reports this status, and a receiver that never accepts it does not make the analysis' work a failure.
    /// The flow sets it when the analysis finishes; the webhook task reads it to say it.
    /// </summary>
    public AnalysisStatus EndStatus() =>
        CancelledAt is not null ? AnalysisStatus.Cancelled
        : !Tasks.TryGetValue(Sdk.CucosFlow.RootTask, out var root) || root.Status != AnalysisTaskStatus.Succeeded ? AnalysisStatus.Failed
        : Tasks.Values.All(r => r.Name == Sdk.CucosFlow.WebhookTask || r.Status == AnalysisTaskStatus.Succeeded) ? AnalysisStatus.Succeeded
        : AnalysisStatus.CompletedWithFailures;

    /// <summary>How many times this analysis has ended or is ending now: 1 for its first run, one more for each re-run.</summary>
    public int EndNumber() => 1 + Reruns.Count;
}
