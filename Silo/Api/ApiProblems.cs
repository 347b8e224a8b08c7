using Cucos.Messages;

namespace Cucos.Silo.Api;

/// <summary>The API's RFC 7807 answers: a title per kind of mistake and a detail that says what was wrong and what to do.</summary>
public static class ApiProblems
{
    public static IResult BadRequest(string title, string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: title);

    /// <summary>
    /// A request the cluster refused, as a validation problem: <c>errors</c> maps each field to its messages, and
    /// <c>detail</c> is the sentence every other door (the clients, the CLI) shows for the same mistake.
    /// </summary>
    public static IResult Invalid(InvalidAnalysisRequestException invalid, string title = "Invalid analysis request") =>
        Results.ValidationProblem(invalid.ByField(), invalid.Message, statusCode: StatusCodes.Status400BadRequest, title: title);

    public static IResult NotFound(string title, string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);

    public static IResult UnsupportedMediaType(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Results.Problem(UnsupportedMediaTypeDetail($"{request.Method} {request.Path.ToUriComponent()}") +
            (request.ContentType is null ? " The request had no Content-Type." : ""),
            statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
    }

    public static string UnsupportedMediaTypeDetail(string where) => $"{where} reads JSON: send the body with the header Content-Type: application/json.";

    public static IResult Unavailable(string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "The cluster cannot answer just now");

    public static IResult UnknownAnalysis(string analysisId) => NotFound("Unknown analysis", UnknownAnalysisDetail(analysisId));

    public static string UnknownAnalysisDetail(string analysisId) =>
        $"no analysis has the id '{analysisId}'. Use the analysis_id that POST /api/v1/analyses returned, or list a package version's " +
        "analyses with GET /api/v1/analyses?ecosystem=...&name=...&version=....";
}
