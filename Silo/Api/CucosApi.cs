using Cucos.Client;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Cucos.Client.Http;
using Cucos.Messages;
using Cucos.State;

namespace Cucos.Silo.Api;

/// <summary>The HTTP API of a silo under <c>/api/v1</c>, and its OpenAPI description at <c>/openapi/v1.json</c>.</summary>
public static class CucosApi
{
    private const long MaxStartBodyBytes = 1024 * 1024;

    /// <summary>
    /// The services the API needs: the client over the silo's own grain factory, snake_case JSON (the CLI's <c>--output</c>
    /// shape), problem details for every error, and the OpenAPI document.
    /// </summary>
    public static IServiceCollection AddCucosApi(this IServiceCollection services)
    {
        services.AddCucosClient();
        services.ConfigureHttpJsonOptions(json => CucosApiJson.Configure(json.SerializerOptions));
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddOpenApi();
        return services;
    }

    public static WebApplication MapCucosApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        // A route that does not exist, a method it does not take or a body that is not JSON answers with a problem document too.
        app.UseStatusCodePages(StatusCodePage);
        app.MapOpenApi();

        var api = app.MapGroup("/api/v1").WithTags("analyses");
        api.MapPost("/analyses", AnalysisEndpoints.StartAsync)
            .WithName("StartAnalysis")
            .WithSummary("Starts an analysis of a registry package, or returns the version's current one unless force is true.")
            .Accepts<StartAnalysisBody>(CucosApiJson.MediaType)
            .WithMetadata(new RequestSizeLimitAttribute(MaxStartBodyBytes))
            .Produces<AnalysisTicket>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/analyses", AnalysisEndpoints.ListAsync)
            .WithName("ListPackageAnalyses")
            .WithSummary("Every analysis of one package version (query: ecosystem, name, version), oldest first; the last is the current one.")
            .Produces<PackageAnalyses>()
            .ProducesValidationProblem();
        api.MapGet("/analyses/{analysisId}", AnalysisEndpoints.GetAsync)
            .WithName("GetAnalysis")
            .WithSummary("The analysis with every task's status, attempts, times and errors. With after_revision (and wait_seconds, at most 20) it waits for a newer revision: a long poll.")
            .Produces<AnalysisSnapshot>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/analyses/{analysisId}/results/{taskName}", AnalysisEndpoints.GetResultAsync)
            .WithName("GetTaskResult")
            .WithSummary("One task's stored result document, as its worker wrote it (schemas/<task>.schema.json).")
            .Produces(StatusCodes.Status200OK, contentType: CucosApiJson.MediaType)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static Task StatusCodePage(StatusCodeContext status)
    {
        var http = status.HttpContext;
        var where = $"{http.Request.Method} {http.Request.Path}";
        var detail = http.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => $"there is nothing at {where}. The API is under /api/v1 and described at /openapi/v1.json.",
            StatusCodes.Status405MethodNotAllowed => $"{where} does not take {http.Request.Method}: see /openapi/v1.json for the methods of each route.",
            StatusCodes.Status415UnsupportedMediaType => $"{where} reads JSON: send the body with the header Content-Type: application/json.",
            _ => null,
        };
        return http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = http.Response.StatusCode, Detail = detail },
        }).AsTask();
    }
}
