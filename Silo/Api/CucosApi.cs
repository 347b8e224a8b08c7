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
        services.AddSingleton<IStackTraceDisclosure, SettingStackTraceDisclosure>();
        services.AddOpenApi(options => options.AddDocumentTransformer<ResultDocumentSchemas>());
        return services;
    }

    public static WebApplication MapCucosApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        // A route that does not exist, a method it does not take or a body that is not JSON answers with a problem document too.
        app.UseStatusCodePages(StatusCodePage);
        app.MapOpenApi();
        // Resolved now: a bad Cucos:Api:IncludeStackTraces stops the start with its name.
        app.Services.GetRequiredService<IStackTraceDisclosure>();

        var api = app.MapGroup("/api/v1").WithTags("analyses");
        api.AddEndpointFilter(RequireJsonBody);
        api.MapPost("/analyses", AnalysisEndpoints.StartAsync)
            .WithName("StartAnalysis")
            .WithSummary("Starts an analysis of a registry package, or returns the version's current one unless force is true.")
            .Accepts<StartAnalysisBody>(CucosApiJson.MediaType)
            .WithMetadata(new RequestSizeLimitAttribute(MaxStartBodyBytes))
            .Produces<AnalysisTicket>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/analyses", ListEndpoint.ListAsync)
            .WithName("ListAnalyses")
            .WithSummary("Without version: the cluster's analyses newest first (query: status, ecosystem, name, since, until, limit, cursor), a page at a time. " +
                "With ecosystem, name and version: every analysis of that package version, oldest first (a PackageAnalyses document); the last is the current one.")
            .Produces<AnalysisListBody>()
            .ProducesValidationProblem();
        api.MapGet("/analyses/counts", ListEndpoint.CountAsync)
            .WithName("CountAnalyses")
            .WithSummary("How many analyses are in each status (query: ecosystem, name, since, until, as for the list): the UI's status counts.")
            .Produces<AnalysisCountsBody>()
            .ProducesValidationProblem();
        api.MapGet("/analyses/{analysisId}", AnalysisEndpoints.GetAsync)
            .WithName("GetAnalysis")
            .WithSummary("The analysis with every task's status, attempts, times and errors. With after_revision (and wait_seconds, at most 20) it waits for a newer revision: a long poll.")
            .Produces<AnalysisSnapshot>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/analyses/{analysisId}/cancel", CancelEndpoint.CancelAsync)
            .WithName("CancelAnalysis")
            .WithSummary("Cancels an analysis (operator role): running attempts are stopped, nothing new runs, the callback runs once and it ends cancelled; stored results are kept. Idempotent; no body.")
            .WithMetadata(new CancelEndpoint.TakesNoBody())
            .Produces<AnalysisSnapshot>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/analyses/{analysisId}/tasks/{taskName}/rerun", RerunEndpoint.RerunAsync)
            .WithName("RerunTask")
            .WithSummary("Re-runs one task of a finished analysis (operator role): a new attempt of it and of the tasks that depend on it, then the callbacks again; " +
                "recorded in the analysis' reruns with the caller and the optional reason. Refusals name why in 'refusal': unknown analysis or task (404), still running, a callback or a failed prerequisite (409).")
            .WithMetadata(new RerunEndpoint.BodyOptional())
            .Accepts<RerunTaskBody>(isOptional: true, CucosApiJson.MediaType)
            .Produces<TaskRerunResult>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/analyses/{analysisId}/results/{taskName}", AnalysisEndpoints.GetResultAsync)
            .WithName("GetTaskResult")
            .WithSummary("One task's stored result document, as its worker wrote it (schemas/<task>.schema.json).")
            .Produces(StatusCodes.Status200OK, contentType: CucosApiJson.MediaType)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapSarif();
        api.MapSbom();
        api.MapDiff();
        return app;
    }

    /// <summary>
    /// A body-taking request (POST, PUT, PATCH) without a JSON Content-Type is 415 before its handler reads anything:
    /// a missing header is not taken to mean JSON.
    /// </summary>
    private static async ValueTask<object?> RequireJsonBody(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if ((HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method)) && !request.HasJsonContentType()
            && context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<CancelEndpoint.TakesNoBody>() is null
            && !(context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<RerunEndpoint.BodyOptional>() is not null && !RerunEndpoint.HasBody(context.HttpContext)))
            return ApiProblems.UnsupportedMediaType(request);
        return await next(context);
    }

    private static Task StatusCodePage(StatusCodeContext status)
    {
        var http = status.HttpContext;
        var where = $"{http.Request.Method} {http.Request.Path}";
        var detail = http.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => $"there is nothing at {where}. The API is under /api/v1 and described at /openapi/v1.json.",
            StatusCodes.Status405MethodNotAllowed => $"{where} does not take {http.Request.Method}: see /openapi/v1.json for the methods of each route.",
            StatusCodes.Status415UnsupportedMediaType => ApiProblems.UnsupportedMediaTypeDetail(where),
            _ => null,
        };
        return http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = http.Response.StatusCode, Detail = detail },
        }).AsTask();
    }
}
