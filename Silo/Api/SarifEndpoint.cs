using System.Text;
using System.Text.Json;
using Cucos.Client;
using Cucos.State;
using Cucos.Workers.SecurityIssues;
using Cucos.Workers.StaticAnalysis;

namespace Cucos.Silo.Api;

/// <summary>
/// <c>GET /api/v1/analyses/{id}/sarif</c>: the analysis' static_analysis runs and its security_issues run as one
/// SARIF 2.1.0 log (<see cref="AnalysisSarif"/>), once both of those tasks the analysis has are final.
/// </summary>
public static class SarifEndpoint
{
    private static readonly string[] SarifTasks = [StaticAnalysisTask.TaskName, SecurityIssuesTask.TaskName];

    public static RouteGroupBuilder MapSarif(this RouteGroupBuilder api)
    {
        api.MapGet("/analyses/{analysisId}/sarif", GetAsync)
            .WithName("GetAnalysisSarif")
            .WithSummary("The analysis' static_analysis and security_issues findings as one SARIF 2.1.0 log, once those tasks are final.")
            .Produces(StatusCodes.Status200OK, contentType: AnalysisSarif.MediaType)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static async Task<IResult> GetAsync(string analysisId, ICucosClient client, CancellationToken cancellationToken)
    {
        if (!AnalysisEndpoints.IsAnalysisId(analysisId))
            return ApiProblems.UnknownAnalysis(analysisId);
        var snapshot = await client.GetAnalysisAsync(analysisId, cancellationToken);
        if (snapshot is null)
            return ApiProblems.UnknownAnalysis(analysisId);
        var tasks = SarifTasks.Where(snapshot.Tasks.ContainsKey).ToArray();
        if (tasks.Length == 0)
            return ApiProblems.NotFound("No SARIF for this analysis",
                $"analysis {analysisId} ran neither static_analysis nor security_issues, whose findings the SARIF log holds. " +
                "Start one that does: POST /api/v1/analyses with \"tasks\": [\"static_analysis\", \"security_issues\"] (or no tasks, for the default flow).");
        if (tasks.FirstOrDefault(t => !snapshot.Tasks[t].Status.IsFinal()) is { } unfinished)
            return ApiProblems.NotFound("No result yet",
                $"task '{unfinished}' of analysis {analysisId} has not finished, and the SARIF log holds its findings. Try again once it is final (GET /api/v1/analyses/{analysisId}).");

        var documents = new Dictionary<string, JsonElement?>(StringComparer.Ordinal);
        foreach (var task in tasks)
            documents[task] = snapshot.Tasks[task].Status == AnalysisTaskStatus.Succeeded
                ? await client.GetResultAsync(analysisId, task, cancellationToken)
                : null;
        var log = AnalysisSarif.FromResults(documents.GetValueOrDefault(StaticAnalysisTask.TaskName), documents.GetValueOrDefault(SecurityIssuesTask.TaskName));
        if (log is null)
            return ApiProblems.NotFound("No SARIF for this analysis",
                $"neither {string.Join(" nor ", tasks)} of analysis {analysisId} stored a result (see their errors in GET /api/v1/analyses/{analysisId}).");
        return Results.Text(log.ToJsonString(), AnalysisSarif.MediaType, Encoding.UTF8);
    }
}
