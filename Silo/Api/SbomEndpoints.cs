using System.Text.RegularExpressions;
using Cucos.Client;
using Cucos.Reports.Sbom;
using Cucos.Sdk.Ecosystems;

namespace Cucos.Silo.Api;

/// <summary><c>GET /api/v1/analyses/{id}/sbom?format=cyclonedx|spdx</c>: the analysis' SBOM from its stored results.</summary>
public static partial class SbomEndpoints
{
    public static RouteGroupBuilder MapSbom(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/analyses/{analysisId}/sbom", GetAsync)
            .WithName("GetSbom")
            .WithSummary("The analysis' SBOM from its stored results: format=cyclonedx (CycloneDX 1.6 JSON, the default) or format=spdx (SPDX 2.3 JSON); " +
                "files=false leaves the package's files out. Deeper dependency levels are those whose analyses exist.")
            // A type is needed for the OpenAPI document to list the media types at all; the document is the standard's own JSON.
            .Produces<System.Text.Json.JsonElement>(StatusCodes.Status200OK, CycloneDxWriter.MediaType, SpdxWriter.MediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    public static async Task<IResult> GetAsync(string analysisId, string? format, string? files, ICucosClient client, EcosystemCatalog ecosystems, CancellationToken cancellationToken)
    {
        if (!AnalysisId().IsMatch(analysisId))
            return ApiProblems.UnknownAnalysis(analysisId);
        SbomFormat chosen;
        try
        {
            chosen = format is null ? SbomFormat.CycloneDx : SbomWriter.ParseFormat(format);
        }
        catch (SbomException invalid)
        {
            return ApiProblems.BadRequest("Invalid query", invalid.Message);
        }
        if (files is not (null or "true" or "false"))
            return ApiProblems.BadRequest("Invalid query", $"files '{files}' is not valid: give true (the default) or false.");

        var documents = await AnalysisDocumentsLoader.LoadAsync(client, analysisId, withDependencies: true,
            ecosystem => ecosystems.Find(ecosystem)?.PurlType, cancellationToken);
        if (documents is null)
            return ApiProblems.UnknownAnalysis(analysisId);
        if (documents.FinishedAt is null)
            return Results.Problem($"analysis {analysisId} of {documents.Release} is still running: its SBOM is made from its final results. " +
                $"Wait for it (GET /api/v1/analyses/{analysisId}?after_revision=-1&wait_seconds=15) and ask again.",
                statusCode: StatusCodes.Status409Conflict, title: "Analysis not finished");
        byte[] body;
        try
        {
            body = SbomWriter.Render(chosen, documents, new SbomOptions { IncludeFiles = files != "false" });
        }
        catch (SbomException nothing)
        {
            return Results.Problem(nothing.Message, statusCode: StatusCodes.Status409Conflict, title: "No package to describe");
        }
        return Results.Bytes(body, SbomWriter.MediaType(chosen));
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex AnalysisId();
}
