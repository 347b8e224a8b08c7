using System.Text.Json;
using Cucos.Client;
using Cucos.Client.Http;
using Cucos.State;
using Microsoft.AspNetCore.Http.Features;

namespace Cucos.Silo.Api;

/// <summary>
/// <c>POST /api/v1/analyses/{id}/tasks/{task}/rerun</c>: a new attempt of one task of a finished analysis (and of what
/// depends on it), audited with the caller's name. The body (<see cref="RerunTaskBody"/>) is optional.
/// </summary>
public static class RerunEndpoint
{
    /// <summary>Marks a POST whose body may be left out; one that is sent must still be JSON.</summary>
    public sealed class BodyOptional;

    /// <summary>Who the audit trail names when authentication is off and the caller has no name.</summary>
    public const string AnonymousCaller = "api (authentication off)";

    public static async Task<IResult> RerunAsync(string analysisId, string taskName, HttpContext http, ICucosClient client, CancellationToken cancellationToken)
    {
        if (!AnalysisEndpoints.IsAnalysisId(analysisId))
            return ApiProblems.UnknownAnalysis(analysisId);
        var body = await ReadBodyAsync(http, cancellationToken);
        if (body.Problem is not null)
            return body.Problem;
        // The identity the authentication handler vouched for (API key name, token subject), never anything the body says.
        var caller = http.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? "api:" + name : AnonymousCaller;
        try
        {
            var result = client is CucosClient grains
                ? await grains.RerunTaskAsync(analysisId, taskName, body.Reason, caller, cancellationToken)
                : await client.RerunTaskAsync(analysisId, taskName, body.Reason, cancellationToken);
            return Results.Accepted($"/api/v1/analyses/{analysisId}", result);
        }
        catch (AnalysisNotFoundException)
        {
            return Refused(ApiProblems.UnknownAnalysisDetail(analysisId), StatusCodes.Status404NotFound, "Unknown analysis", TaskRerunRefusal.AnalysisNotFound);
        }
        catch (TaskRerunRefusedException refused)
        {
            var (status, title) = refused.Refusal switch
            {
                TaskRerunRefusal.AnalysisNotFound => (StatusCodes.Status404NotFound, "Unknown analysis"),
                TaskRerunRefusal.UnknownTask => (StatusCodes.Status404NotFound, "Unknown task"),
                TaskRerunRefusal.InvalidArgument => (StatusCodes.Status400BadRequest, "Invalid re-run"),
                _ => (StatusCodes.Status409Conflict, "Re-run refused"),
            };
            return Refused(refused.Message, status, title, refused.Refusal);
        }
    }

    private static IResult Refused(string detail, int status, string title, TaskRerunRefusal refusal) =>
        Results.Problem(detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { [RerunTaskBody.RefusalField] = RerunTaskBody.RefusalName(refusal) });

    /// <summary>No body is no reason; a body that is sent is JSON with at most a <c>reason</c>, else a 400 that says so.</summary>
    private static async Task<(string? Reason, IResult? Problem)> ReadBodyAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (!HasBody(http))
            return (null, null);
        try
        {
            var body = await JsonSerializer.DeserializeAsync<RerunTaskBody>(http.Request.Body, CucosApiJson.Options, cancellationToken);
            return (body?.Reason, null);
        }
        catch (JsonException exception)
        {
            var where = exception.Path is { Length: > 1 } path ? $" at {path}" : "";
            return (null, ApiProblems.BadRequest("Invalid re-run body",
                $"the body is not a re-run request{where}: send nothing, or {{\"reason\": \"...\"}} (the only field)."));
        }
    }

    /// <summary>Whether the request carries a body: a Content-Length above 0, or a chunked one.</summary>
    public static bool HasBody(HttpContext http) =>
        http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? http.Request.ContentLength > 0;
}
