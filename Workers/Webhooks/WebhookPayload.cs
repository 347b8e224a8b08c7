using Cucos.Sdk;
using Cucos.State;

namespace Cucos.Workers.Webhooks;

/// <summary>The package of a delivery.</summary>
public sealed record WebhookPackage(string Ecosystem, string Name, string Version);

/// <summary>How the analysis' tasks ended (the webhook's own entry not counted).</summary>
public sealed record WebhookTaskCounts(int Total, int Succeeded, int Failed, int Skipped);

/// <summary>A task that failed: its attempts and its last error's type and message.</summary>
public sealed record WebhookFailedTask(string Name, int Attempts, string? ErrorType, string? Error);

/// <summary>Where to read more, as API paths (absolute when <c>Cucos:Webhooks:ApiBaseUrl</c> is set).</summary>
public sealed record WebhookLinks(string Analysis, IReadOnlyDictionary<string, string> Results, string Sarif, string Sbom);

/// <summary>
/// The JSON body of a delivery (snake_case, as the API writes): the same for every attempt of one end of the analysis,
/// so a receiver that sees <see cref="DeliveryId"/> twice can drop the second.
/// </summary>
public sealed record WebhookPayload(
    string Event,
    string DeliveryId,
    string AnalysisId,
    int End,
    WebhookPackage Package,
    AnalysisStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EndedAt,
    WebhookTaskCounts Tasks,
    IReadOnlyList<WebhookFailedTask> FailedTasks,
    WebhookLinks Links)
{
    public const string EndedEvent = "analysis.ended";

    /// <summary>The id of one end of one analysis: <c>ANALYSIS-ID.END</c> (1 for its first run, 2 after its first re-run, ...).</summary>
    public static string DeliveryIdOf(string analysisId, int end) => FormattableString.Invariant($"{analysisId}.{end}");

    /// <summary>The payload of the end <paramref name="analysis"/> is reaching (every task but the webhook final).</summary>
    public static WebhookPayload Of(AnalysisSnapshot analysis, Uri? apiBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var tasks = analysis.Tasks.Values.Where(t => t.Name != CucosFlow.WebhookTask).OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
        var root = (apiBaseUrl?.GetLeftPart(UriPartial.Path).TrimEnd('/') ?? "") + "/api/v1/analyses/" + analysis.AnalysisId;
        var end = analysis.EndNumber();
        return new WebhookPayload(
            EndedEvent,
            DeliveryIdOf(analysis.AnalysisId, end),
            analysis.AnalysisId,
            end,
            new WebhookPackage(analysis.Request.Ecosystem, analysis.Request.Name, analysis.Request.Version),
            analysis.EndStatus(),
            analysis.CreatedAt,
            tasks.Max(t => t.EndedAt),
            new WebhookTaskCounts(
                tasks.Length,
                tasks.Count(t => t.Status == AnalysisTaskStatus.Succeeded),
                tasks.Count(t => t.Status == AnalysisTaskStatus.Failed),
                tasks.Count(t => t.Status == AnalysisTaskStatus.Skipped)),
            [.. tasks.Where(t => t.Status == AnalysisTaskStatus.Failed).Select(t => new WebhookFailedTask(t.Name, t.Attempts, t.Error?.Type, t.Error?.Message))],
            new WebhookLinks(
                root,
                tasks.Where(t => t.Status == AnalysisTaskStatus.Succeeded).ToDictionary(t => t.Name, t => root + "/results/" + t.Name, StringComparer.Ordinal),
                root + "/sarif",
                root + "/sbom"));
    }
}
