using Microsoft.AspNetCore.Diagnostics;

namespace Cucos.Silo.Api;

/// <summary>
/// Whatever escapes a handler becomes a problem document without a stack trace: a cluster that cannot answer just now
/// (a silo died, storage is away) is 503 with advice to retry, anything else 500; the exception goes to the log.
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException badRequest)
        {
            // Kestrel's own refusals: a body over the size limit, a connection cut mid-body.
            httpContext.Response.StatusCode = badRequest.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails =
                {
                    Status = badRequest.StatusCode,
                    Title = "Bad request",
                    Detail = badRequest.StatusCode == StatusCodes.Status413PayloadTooLarge
                        ? "the request body is too large: a start request is a small JSON object (at most 1 MiB)."
                        : $"the request could not be read: {badRequest.Message}",
                },
            });
        }
        // A cancellation the caller did not ask for (its request was not aborted) is the cluster giving up on a call
        // inside it, seen while a silo died under load (the soak run): the same request may succeed on a retry.
        var transient = IsTransient(exception)
            || exception is OperationCanceledException && !httpContext.RequestAborted.IsCancellationRequested;
        // The path as sent (percent-escaped): decoded, a %0A in it would forge a log line.
        ApiLog.RequestFailed(logger, exception, httpContext.Request.Method, httpContext.Request.Path.ToUriComponent());
        httpContext.Response.StatusCode = transient ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = httpContext.Response.StatusCode,
                Title = transient ? "The cluster cannot answer just now" : "The silo failed to answer",
                Detail = transient
                    ? $"the cluster could not serve this request ({exception.GetType().Name}): a silo may have died or storage may be away for a moment. Try again in a few seconds."
                    : $"the silo failed while serving this request ({exception.GetType().Name}). Its log has the details; try again, and report it if it persists.",
            },
        });
    }

    /// <summary>A cluster failure or an unreachable database anywhere in the chain: storage errors arrive wrapped by Orleans.</summary>
    private static bool IsTransient(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
            if (ClusterErrors.IsTransient(current) || current is Npgsql.NpgsqlException or System.Net.Sockets.SocketException)
                return true;
        return false;
    }
}

/// <summary>The API's log lines, source-generated.</summary>
internal static partial class ApiLog
{
    [LoggerMessage(3001, LogLevel.Error, "{Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string method, string path);
}
