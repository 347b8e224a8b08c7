using System.Text.Json;
using Cucos.Silo.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cucos.Tests.HttpApi;

/// <summary>The API's last line of defence: which failures tell the caller to retry (503) and which are the silo's own (500).</summary>
[Trait("Category", "Unit")]
public sealed class ApiExceptionHandlerTests
{
    private static async Task<(int Status, JsonElement Problem)> HandleAsync(Exception exception, CancellationToken requestAborted = default)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services, RequestAborted = requestAborted };
        context.Request.Method = "POST";
        context.Request.Path = "/api/v1/analyses";
        var body = new MemoryStream();
        context.Response.Body = body;
        var handler = new ApiExceptionHandler(services.GetRequiredService<Microsoft.AspNetCore.Http.IProblemDetailsService>(), NullLogger<ApiExceptionHandler>.Instance);
        Assert.True(await handler.TryHandleAsync(context, exception, CancellationToken.None));
        // An aborted request gets no body (nobody reads it): only its status is looked at.
        return (context.Response.StatusCode, body.Length == 0 ? default : JsonDocument.Parse(body.ToArray()).RootElement);
    }

    [Fact]
    public async Task A_cancellation_inside_the_cluster_that_the_caller_did_not_ask_for_is_a_503_to_retry()
    {
        var (status, problem) = await HandleAsync(new TaskCanceledException("a grain call was cancelled"));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.Contains("Try again", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_silo_that_died_is_a_503_and_a_bug_is_a_500_without_its_stack()
    {
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, (await HandleAsync(new Orleans.Runtime.SiloUnavailableException("gone"))).Status);
        var (status, problem) = await HandleAsync(new InvalidOperationException("a bug"));
        Assert.Equal(StatusCodes.Status500InternalServerError, status);
        Assert.DoesNotContain("   at ", problem.ToString());
    }

    [Fact]
    public async Task A_request_the_caller_aborted_is_not_told_to_retry()
    {
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();
        Assert.Equal(StatusCodes.Status500InternalServerError, (await HandleAsync(new TaskCanceledException(), aborted.Token)).Status);
    }
}
