using System.Net;
using System.Text;
using System.Text.Json;
using Cucos.Cli;
using Cucos.Client;
using Cucos.Client.Http;
using Cucos.Messages;
using Cucos.State;
using Cucos.Tests.HttpApi;

namespace Cucos.Tests.Rerun;

/// <summary>
/// <c>POST /api/v1/analyses/{id}/tasks/{task}/rerun</c> on a silo process with keys: who may, what it records, how it
/// refuses; and the same through <see cref="CucosHttpClient"/> and <c>cucos rerun</c>.
/// </summary>
[Trait("Category", "Processes")]
public sealed class RerunHttpTests(AuthenticatedSiloFixture fixture) : IClassFixture<AuthenticatedSiloFixture>
{
    private const string UnknownId = "0123456789abcdef0123456789abcdef";

    private HttpClient Client(string? key) => CucosHttpClient.CreateHttpClient(fixture.Silo.HttpAddress, key);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<string> FinishedAnalysisAsync(CucosHttpClient cucos)
    {
        var ticket = await cucos.StartAnalysisAsync(AnalysisRequest.ParsePackage("npm:@acme/widget@1.0.0", force: true, tasks: ["producer", "consumer"]));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        Assert.Equal(AnalysisStatus.Succeeded, (await cucos.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token)).Status);
        return ticket.AnalysisId;
    }

    [Fact]
    public async Task Without_a_key_it_is_401_and_with_a_read_only_key_403_and_nothing_is_rerun()
    {
        using var anonymous = Client(null);
        using var reader = Client(AuthenticatedSiloFixture.ReaderKey);
        using var operatorHttp = Client(AuthenticatedSiloFixture.OperatorKey);
        var analysisId = await FinishedAnalysisAsync(new CucosHttpClient(operatorHttp));

        using var noKey = await anonymous.PostAsync($"api/v1/analyses/{analysisId}/tasks/consumer/rerun", null);
        using var readOnly = await reader.PostAsync($"api/v1/analyses/{analysisId}/tasks/consumer/rerun", Json("""{"reason": "try"}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, readOnly.StatusCode);
        Assert.Contains("operator", (await ProblemAsync(readOnly)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var snapshot = await new CucosHttpClient(operatorHttp).GetAnalysisAsync(analysisId);
        Assert.Empty(snapshot!.Reruns);
        Assert.Equal(1, snapshot.Tasks["consumer"].Attempts);
    }

    [Fact]
    public async Task An_operator_reruns_a_task_and_the_snapshot_records_who_and_why_and_a_second_attempt()
    {
        using var http = Client(AuthenticatedSiloFixture.OperatorKey);
        var cucos = new CucosHttpClient(http);
        var analysisId = await FinishedAnalysisAsync(cucos);

        var result = await cucos.RerunTaskAsync(analysisId, "consumer", "advisories changed");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var again = await cucos.WaitForCompletionAsync(analysisId, timeout.Token);
        // Without a body at all: the same re-run is no longer pending, so this is a second one.
        using var bodiless = await http.PostAsync($"api/v1/analyses/{analysisId}/tasks/consumer/rerun", null);

        Assert.Equal(TaskRerunOutcome.Started, result.Outcome);
        Assert.Contains("consumer", result.Rerun.Tasks);
        Assert.Equal(1, again.Tasks["producer"].Attempts);
        Assert.True(again.Status == AnalysisStatus.Succeeded, string.Join("; ", again.Tasks.Values
            .Where(t => t.Status != AnalysisTaskStatus.Succeeded).Select(t => $"{t.Name} {t.Status} {t.Error?.Type} {t.Error?.Message}")));
        Assert.Equal(2, again.Tasks["consumer"].Attempts);
        var recorded = Assert.Single(again.Reruns);
        Assert.Equal("api:ci", recorded.RequestedBy);
        Assert.Equal("advisories changed", recorded.Reason);
        Assert.Equal(AnalysisStatus.Succeeded, recorded.Status);
        Assert.Equal(HttpStatusCode.Accepted, bodiless.StatusCode);
        Assert.Equal(CucosClientBase.NoRerunReason,
            JsonDocument.Parse(await bodiless.Content.ReadAsStringAsync()).RootElement.GetProperty("rerun").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Refusals_are_404_for_an_unknown_analysis_or_task_409_while_running_and_400_for_a_bad_body()
    {
        using var http = Client(AuthenticatedSiloFixture.OperatorKey);
        var cucos = new CucosHttpClient(http);
        var analysisId = await FinishedAnalysisAsync(cucos);

        using var unknownAnalysis = await http.PostAsync($"api/v1/analyses/{UnknownId}/tasks/consumer/rerun", null);
        using var unknownTask = await http.PostAsync($"api/v1/analyses/{analysisId}/tasks/nope/rerun", null);
        using var badBody = await http.PostAsync($"api/v1/analyses/{analysisId}/tasks/consumer/rerun", Json("""{"reson": "typo"}"""));
        using var notJson = await http.PostAsync($"api/v1/analyses/{analysisId}/tasks/consumer/rerun", new StringContent("why", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.NotFound, unknownAnalysis.StatusCode);
        Assert.Equal("analysis_not_found", (await ProblemAsync(unknownAnalysis)).GetProperty("refusal").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknownTask.StatusCode);
        var taskProblem = await ProblemAsync(unknownTask);
        Assert.Equal("unknown_task", taskProblem.GetProperty("refusal").GetString());
        Assert.Contains("its tasks are:", taskProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("consumer", taskProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badBody.StatusCode);
        Assert.Contains("\"reason\"", (await ProblemAsync(badBody)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);
        await Assert.ThrowsAsync<AnalysisNotFoundException>(() => cucos.RerunTaskAsync(UnknownId, "digests"));
        var refused = await Assert.ThrowsAsync<TaskRerunRefusedException>(() => cucos.RerunTaskAsync(analysisId, "nope"));
        Assert.Equal(TaskRerunRefusal.UnknownTask, refused.Refusal);

        // 'blocks' runs until it is cancelled, so the analysis is still running when the re-run is asked for.
        var running = await cucos.StartAnalysisAsync(AnalysisRequest.ParsePackage("npm:@acme/widget@1.0.0", force: true, tasks: ["blocks", "digests"]));
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            while ((await cucos.GetAnalysisAsync(running.AnalysisId, wait.Token))!.Tasks.GetValueOrDefault("blocks")?.Status != AnalysisTaskStatus.Running)
                await Task.Delay(100, wait.Token);
        using var stillRunning = await http.PostAsync($"api/v1/analyses/{running.AnalysisId}/tasks/consumer/rerun", null);
        await cucos.CancelAnalysisAsync(running.AnalysisId);

        Assert.Equal(HttpStatusCode.Conflict, stillRunning.StatusCode);
        var conflict = await ProblemAsync(stillRunning);
        Assert.Equal("analysis_not_finished", conflict.GetProperty("refusal").GetString());
        Assert.Contains("still running", conflict.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_reruns_a_task_and_says_why_it_cannot()
    {
        using var http = Client(AuthenticatedSiloFixture.OperatorKey);
        var analysisId = await FinishedAnalysisAsync(new CucosHttpClient(http));
        var cluster = fixture.Silo.HttpAddress.ToString();

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CucosCli.RunAsync(
            ["rerun", analysisId, "consumer", "--cluster", cluster, "--api-key", AuthenticatedSiloFixture.OperatorKey, "--reason", "from the cli"], stdout, stderr);
        using var refusedOut = new StringWriter();
        using var refusedErr = new StringWriter();
        var refusedCode = await CucosCli.RunAsync(["rerun", analysisId, "nope", "--cluster", cluster, "--api-key", AuthenticatedSiloFixture.OperatorKey], refusedOut, refusedErr);
        using var usageOut = new StringWriter();
        using var usageErr = new StringWriter();
        var usageCode = await CucosCli.RunAsync(["rerun", analysisId], usageOut, usageErr);

        Assert.True(code == 0, stderr.ToString());
        Assert.Contains($"re-running 'consumer' of analysis {analysisId}", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("from the cli", stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, refusedCode);
        Assert.Contains("has no task 'nope'", refusedErr.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, usageCode);
        Assert.Contains("an analysis id and a task name", usageErr.ToString(), StringComparison.Ordinal);
        var snapshot = await new CucosHttpClient(http).GetAnalysisAsync(analysisId);
        Assert.Equal("from the cli", Assert.Single(snapshot!.Reruns).Reason);
    }
}
