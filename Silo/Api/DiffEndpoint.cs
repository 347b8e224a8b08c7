using System.Text.RegularExpressions;
using Cucos.Client;
using Cucos.Reports.Diff;

namespace Cucos.Silo.Api;

/// <summary><c>GET /api/v1/diff?from=ID&amp;to=ID&amp;format=json|markdown|table</c>: what the second version brings in over the first.</summary>
public static partial class DiffEndpoint
{
    public static RouteGroupBuilder MapDiff(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/diff", GetAsync)
            .WithName(ResultDocumentSchemas.DiffOperationId)
            .WithSummary("Compares two finished analyses of one package (from and to: analysis ids, older first): files added, removed and changed " +
                "(with ssdeep similarity), licences, dependencies, install scripts and capabilities, advisories, size. " +
                "format=json (the default), markdown (a pull-request comment) or table (text).")
            // application/json's schema is the component version_diff (ResultDocumentSchemas): the framework's schema
            // of VersionDiff would name the members as C# does, not as DiffWriter writes them.
            .Produces<string>(StatusCodes.Status200OK, "text/markdown", "text/plain")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    public static async Task<IResult> GetAsync(string? from, string? to, string? format, ICucosClient client, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(from) || string.IsNullOrWhiteSpace(to))
            return ApiProblems.BadRequest("Invalid query", "give both analyses to compare: from=<older analysis id>&to=<newer analysis id>.");
        DiffFormat chosen;
        try
        {
            chosen = format is null ? DiffFormat.Json : DiffWriter.ParseFormat(format);
        }
        catch (DiffException invalid)
        {
            return ApiProblems.BadRequest("Invalid query", invalid.Message);
        }
        foreach (var id in new[] { from, to })
            if (!AnalysisId().IsMatch(id))
                return ApiProblems.UnknownAnalysis(id);

        VersionDiff? diff;
        try
        {
            diff = await client.DiffAsync(from, to, cancellationToken);
        }
        catch (DiffException refused)
        {
            return Results.Problem(refused.Message, statusCode: StatusCodes.Status409Conflict, title: "Analyses not comparable");
        }
        // Only on this path is it worth a look at which of the two is unknown.
        if (diff is null)
            return ApiProblems.UnknownAnalysis(await client.GetAnalysisAsync(from, cancellationToken) is null ? from : to);
        return Results.Text(DiffWriter.Render(chosen, diff), DiffWriter.MediaType(chosen));
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex AnalysisId();
}
