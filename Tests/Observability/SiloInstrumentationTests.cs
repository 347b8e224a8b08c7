using System.Text;
using System.Text.Json;
using Cucos.Messages;
using Cucos.Persistence;
using Cucos.State;
using Cucos.Tests.GitHubDetails;
using Cucos.Tests.Support;
using Cucos.Workers.GitHubDetails;

namespace Cucos.Tests.Observability;

/// <summary>
/// What the silo executable traces beyond its own spans: every outgoing HTTP request (here github_details' calls to a
/// loopback GitHub) and every PostgreSQL command, as spans in the analysis' trace; and JSON console lines that carry a
/// timestamp and the trace and span ids of the span they were written in.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Processes")]
[Trait("Category", "Postgres")]
public sealed class SiloInstrumentationTests(PostgresServer postgres)
{
    [Fact]
    public async Task Outgoing_http_requests_and_database_commands_are_spans_and_json_log_lines_carry_time_and_trace_ids()
    {
        await using var collector = new OtlpReceiver();
        using var github = new GitHubApiServer();
        github.Add("octo/hello");
        using var cache = new TempDirectory("cucos-cache");
        using var package = new TempDirectory("cucos-package");
        package.WriteFile("package.json", Encoding.UTF8.GetBytes("""{"name": "hello", "version": "1.0.0", "repository": "github:octo/hello"}"""));
        var database = await postgres.CreateDatabaseAsync();
        await new DatabaseMigrator(database).MigrateAsync();
        var clusterId = "instrumented-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await SiloProcess.StartAsync(cache.Path, clusterId, new Dictionary<string, string>
        {
            ["ConnectionStrings__Cucos"] = database,
            ["Cucos__GitHub__ApiBaseUrl"] = github.ApiBaseUrl.AbsoluteUri,
            ["Cucos__GitHub__Hosts"] = "github.com",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "500",
            ["Logging__Console__FormatterName"] = "json",
            // A line of the executor's written inside the task attempt's span.
            ["Logging__LogLevel__Cucos"] = "Debug",
        });

        await using var remote = await RemoteClient.ConnectAsync(clusterId, silo.GatewayPort);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ticket = await remote.Client.StartAnalysisAsync(new AnalysisRequest
        {
            Ecosystem = "test", Name = "instrumented", Version = "1.0.0", SourcePath = package.Path, Tasks = [GitHubDetailsTask.TaskName],
        });
        var analysis = await remote.Client.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);
        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        Assert.True(github.Count(r => r.Status == 200) > 0, $"github_details asked nothing: {JsonSerializer.Serialize(analysis.Tasks[GitHubDetailsTask.TaskName].Summary)}");

        var limit = TimeSpan.FromSeconds(60);
        // The client span's url.full names the request; the database span's text is one of our statements.
        Assert.True(await collector.WaitForAsync("/v1/traces", [github.ApiBaseUrl.Authority + "/repos/octo/hello", "cucos_grain_state", analysis.AnalysisId], limit),
            $"no spans of the GitHub requests and of the database commands; silo output:\n{silo.Output}");

        var lines = silo.Output.Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith('{')).Select(Parse).OfType<JsonElement>().ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.True(line.TryGetProperty("Timestamp", out var stamp)
            && DateTimeOffset.TryParse(stamp.GetString(), System.Globalization.CultureInfo.InvariantCulture, out _) && stamp.GetString()!.EndsWith('Z'),
            $"a JSON line without a UTC timestamp: {line}"));
        Assert.Contains(lines, line => line.TryGetProperty("Scopes", out var scopes)
            && scopes.EnumerateArray().Any(scope => scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty("TraceId", out var trace)
                && trace.GetString()!.Length == 32 && scope.TryGetProperty("SpanId", out _))
            && line.GetRawText().Contains(analysis.AnalysisId, StringComparison.Ordinal));
    }

    private static JsonElement? Parse(string line)
    {
        try
        {
            return JsonDocument.Parse(line).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null; // a line of the host's own that happens to start with a brace
        }
    }
}
