namespace Cucos.Silo.Api;

/// <summary>The API's RFC 7807 answers: a title per kind of mistake and a detail that says what was wrong and what to do.</summary>
public static class ApiProblems
{
    public static IResult BadRequest(string title, string detail, IReadOnlyList<string>? errors = null) =>
        Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: title,
            extensions: errors is { Count: > 1 } ? new Dictionary<string, object?> { ["errors"] = errors } : null);

    public static IResult NotFound(string title, string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);

    public static IResult Unavailable(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "The cluster cannot answer just now");

    public static IResult UnknownAnalysis(string analysisId) => NotFound("Unknown analysis",
        $"no analysis has the id '{analysisId}'. Use the analysis_id that POST /api/v1/analyses returned, or list a package version's " +
        "analyses with GET /api/v1/analyses?ecosystem=...&name=...&version=....");
}
