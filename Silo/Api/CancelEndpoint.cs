using Cucos.Client;
using Cucos.State;

namespace Cucos.Silo.Api;

/// <summary><c>POST /api/v1/analyses/{id}/cancel</c>: takes no body, so it is exempt from the JSON content-type rule.</summary>
public static class CancelEndpoint
{
    /// <summary>Marks a body-less POST, which <c>RequireJsonBody</c> lets through without a Content-Type.</summary>
    public sealed class TakesNoBody;

    public static async Task<IResult> CancelAsync(string analysisId, HttpContext http, ICucosClient client, IStackTraceDisclosure disclosure, CancellationToken cancellationToken)
    {
        if (!AnalysisEndpoints.IsAnalysisId(analysisId))
            return ApiProblems.UnknownAnalysis(analysisId);
        var snapshot = await client.CancelAnalysisAsync(analysisId, cancellationToken);
        if (snapshot is null)
            return ApiProblems.UnknownAnalysis(analysisId);
        if (snapshot.CancelledAt is null && snapshot.IsFinished)
            return Results.Problem(
                $"analysis {analysisId} finished as {CucosApiWords.Status(snapshot.Status)} at {snapshot.FinishedAt:O} before it could be cancelled; nothing was changed.",
                statusCode: StatusCodes.Status409Conflict, title: "Already finished");
        // Accepted: the cancel is stored; the analysis ends 'cancelled' once its callback ran (follow it with GET ...?after_revision=).
        var shown = disclosure.ShowsStackTraces(http) ? snapshot : snapshot.WithoutStackTraces();
        return Results.Accepted($"/api/v1/analyses/{analysisId}", shown);
    }
}

/// <summary>Status words as the JSON shows them (snake_case).</summary>
internal static class CucosApiWords
{
    public static string Status(AnalysisStatus status) => status switch
    {
        AnalysisStatus.CompletedWithFailures => "completed_with_failures",
        _ => status.ToString().ToLowerInvariant(),
    };
}
