using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cucos.Cli;
using Cucos.Client.Http;
using Cucos.Messages;
using Cucos.Tests.Support;

namespace Cucos.Tests.HttpApi;

/// <summary>
/// One bad request through every door of one silo process: the gateway client, the HTTP API, the HTTP client and the
/// CLI over both. The cluster validates it once, so every door shows the same words.
/// </summary>
[Trait("Category", "Processes")]
public sealed class SameMistakeEverywhereTests(HttpSiloFixture fixture) : IClassFixture<HttpSiloFixture>
{
    [Fact]
    public async Task An_unknown_task_reads_the_same_through_every_door()
    {
        var request = AnalysisRequest.ParsePackage("npm:@acme/widget@1.0.0", force: true, tasks: ["digests", "nope"]);

        await using var remote = await RemoteClient.ConnectAsync(fixture.ClusterId, fixture.Silo.GatewayPort);
        var overGateway = await Assert.ThrowsAsync<InvalidAnalysisRequestException>(() => remote.Client.StartAnalysisAsync(request));
        var problem = Assert.Single(overGateway.Problems);
        Assert.Equal(RequestFields.Tasks, problem.Field);
        Assert.StartsWith("unknown task(s): nope. The tasks of this cluster are: ", problem.Message, StringComparison.Ordinal);
        var words = overGateway.Message;

        using var http = CucosHttpClient.CreateHttpClient(fixture.Silo.HttpAddress);
        using var answer = await http.PostAsync("api/v1/analyses", new StringContent(
            """{"package": "npm:@acme/widget@1.0.0", "force": true, "tasks": ["digests", "nope"]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(CucosApiJson.ProblemMediaType, answer.Content.Headers.ContentType!.MediaType);
        var document = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(words, document.GetProperty("detail").GetString());
        Assert.Equal([words], document.GetProperty("errors").GetProperty("tasks").EnumerateArray().Select(m => m.GetString()));

        var overHttp = await Assert.ThrowsAsync<InvalidAnalysisRequestException>(() => new CucosHttpClient(http).StartAnalysisAsync(request));
        Assert.Equal(words, overHttp.Message);
        Assert.Equal(overGateway.Problems, overHttp.Problems);

        foreach (var cluster in new[] { fixture.Silo.HttpAddress.AbsoluteUri, $"127.0.0.1:{fixture.Silo.GatewayPort}" })
        {
            var (stdout, stderr) = (new StringWriter(), new StringWriter());
            var args = new List<string> { "analyze", "npm:@acme/widget@1.0.0", "--cluster", cluster, "--force", "--tasks", "digests,nope" };
            if (!cluster.StartsWith("http", StringComparison.Ordinal))
                args.AddRange(["--cluster-id", fixture.ClusterId]);
            var exit = await CucosCli.RunAsync([.. args], stdout, stderr);
            Assert.Equal(2, exit);
            Assert.Equal($"error: {words}", stderr.ToString().Trim());
        }
    }

    [Fact]
    public async Task Several_problems_are_grouped_by_field_in_errors_and_read_back_by_the_http_client()
    {
        using var http = CucosHttpClient.CreateHttpClient(fixture.Silo.HttpAddress);
        var request = AnalysisRequest.ForPackage("cpan", " ", "1 0", tasks: []);

        var invalid = await Assert.ThrowsAsync<InvalidAnalysisRequestException>(() => new CucosHttpClient(http).StartAnalysisAsync(request));

        Assert.Equal([RequestFields.Ecosystem, RequestFields.Name, RequestFields.Version, RequestFields.Tasks], invalid.Problems.Select(p => p.Field));
        Assert.StartsWith("ecosystem 'cpan' is not known to this cluster", invalid.Problems[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("'tasks' is empty", invalid.Problems[3].Message, StringComparison.Ordinal);
    }
}
