using System.Globalization;
using System.Net;
using Cucos.Client;
using Cucos.Messages;
using Cucos.State;
using Cucos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cucos.Tests.Observability;

/// <summary>The silo executable's observability: Prometheus on /metrics, OTLP export, the dashboard switch.</summary>
[Trait("Category", "Processes")]
public sealed class SiloObservabilityTests
{
    [Fact]
    public async Task Metrics_shows_our_counters_after_an_analysis_and_Orleans_own_and_the_dashboard_is_off_by_default()
    {
        using var cache = new TempDirectory("cucos-cache");
        using var package = new TempDirectory("cucos-package");
        Fixtures.WriteTree(package.Path, Fixtures.SmallPackage());
        var clusterId = "metrics-test-" + Guid.NewGuid().ToString("N")[..8];
        // The JSON console format (documented in docs/observability.md) with the scopes appsettings.json turns on.
        await using var silo = await SiloProcess.StartAsync(cache.Path, clusterId,
            new Dictionary<string, string>
            {
                ["Logging__Console__FormatterName"] = "json",
                ["Cucos__TaskAssemblies"] = typeof(TestTasks.TestTaskModule).Assembly.Location,
            });
        using var http = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };

        var analyses = await RunAnalysesAsync(silo, clusterId, package.Path, count: 2, "digests", "logs");
        var metrics = await http.GetAsync("/metrics");
        var text = await metrics.Content.ReadAsStringAsync();

        Assert.All(analyses, analysis => Assert.Equal(AnalysisStatus.Succeeded, analysis.Status));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal(2, Sample(text, "cucos_analyses_started_total"));
        Assert.Equal(2, Sample(text, "cucos_analyses_finished_total", "outcome=\"succeeded\""));
        Assert.Equal(0, Sample(text, "cucos_analyses_finished_total", "outcome=\"failed\""));
        Assert.Equal(2, Sample(text, "cucos_tasks_duration_seconds_count", "task=\"digests\""));
        Assert.Equal(2, Sample(text, "cucos_tasks_duration_seconds_count", "task=\"init\""));
        Assert.Equal(0, Sample(text, "cucos_tasks_running"));
        // Orleans' own meter: the analysis activated grains on this silo.
        Assert.True(Sample(text, "orleans_catalog_activation_created_total") > 0, "expected Orleans' activation counter:\n" + text);
        // The runtime's and ASP.NET Core's.
        Assert.Contains("dotnet_gc_collections_total", text);
        Assert.Contains("kestrel_active_connections", text);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard")).StatusCode);
        // The line of the task "logs", one JSON object per line, carries the analysis id and task name from its scope.
        Assert.All(analyses, analysis => Assert.Matches(
            $"\"Message\":\"{TestTasks.LoggingTask.Message}\".*\"Scopes\":.*\"AnalysisId\":\"{analysis.AnalysisId}\",\"TaskName\":\"logs\"", silo.Output));
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_metrics_traces_and_logs_are_exported_and_the_dashboard_can_be_turned_on()
    {
        await using var collector = new OtlpReceiver();
        using var cache = new TempDirectory("cucos-cache");
        using var package = new TempDirectory("cucos-package");
        Fixtures.WriteTree(package.Path, Fixtures.SmallPackage());
        var clusterId = "otlp-test-" + Guid.NewGuid().ToString("N")[..8];
        await using var silo = await SiloProcess.StartAsync(cache.Path, clusterId, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "500",
            ["Cucos__Dashboard__Enabled"] = "true",
            ["Cucos__TaskAssemblies"] = typeof(TestTasks.TestTaskModule).Assembly.Location,
        });

        // The test task "logs" writes a line of its own, which must arrive with its scope.
        var analysis = (await RunAnalysesAsync(silo, clusterId, package.Path, count: 1, "logs")).Single();
        var limit = TimeSpan.FromSeconds(60);

        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        Assert.True(await collector.WaitForAsync("/v1/metrics", ["cucos.analyses.started", "cucos.analyses.finished", "cucos.tasks.duration", "orleans-catalog-activations"], limit),
            $"no OTLP metrics with our instruments and Orleans'; silo output:\n{silo.Output}");
        Assert.True(await collector.WaitForAsync("/v1/traces", ["cucos.task", "cucos.analysis.step", analysis.AnalysisId, "Microsoft.Orleans.Runtime"], limit),
            $"no OTLP spans of our tasks and steps and of Orleans' grain calls; silo output:\n{silo.Output}");
        Assert.True(await collector.WaitForAsync("/v1/logs", ["AnalysisId", analysis.AnalysisId, "TaskName", TestTasks.LoggingTask.Message], limit),
            $"no OTLP log records with the analysis scope; silo output:\n{silo.Output}");
        Assert.All(collector.ContentTypes, type => Assert.Equal("application/x-protobuf", type));

        using var http = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
        var dashboard = await http.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Orleans", await dashboard.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        // Prometheus is served alongside OTLP.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/metrics")).StatusCode);
    }

    [Theory]
    [InlineData("Cucos__Dashboard__Enabled", "sometimes", "error: Cucos:Dashboard:Enabled is 'sometimes': give true or false.")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317", "error: OTEL_EXPORTER_OTLP_ENDPOINT is 'collector:4317': give the collector's http:// or https:// address")]
    public async Task A_bad_observability_setting_stops_the_silo_with_a_sentence_saying_what_to_give(string name, string value, string expected)
    {
        using var cache = new TempDirectory("cucos-cache");
        var (exitCode, output) = await SiloProcess.RunToExitAsync(cache.Path, "bad-setting-" + Guid.NewGuid().ToString("N")[..8],
            Grains.Hosting.CucosEmbeddedCluster.FreeLoopbackPort(), Grains.Hosting.CucosEmbeddedCluster.FreeLoopbackPort(),
            new Dictionary<string, string> { [name] = value });

        Assert.Equal(1, exitCode);
        Assert.Contains(expected, output);
        Assert.DoesNotContain("   at ", output);
    }

    /// <summary>Runs <paramref name="count"/> analyses (init, the tasks, finalize) on the silo through a client host.</summary>
    private static async Task<AnalysisSnapshot[]> RunAnalysesAsync(SiloProcess silo, string clusterId, string packagePath, int count, params string[] tasks)
    {
        await using var remote = await RemoteClient.ConnectAsync(clusterId, silo.GatewayPort);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            var request = new AnalysisRequest
            {
                Ecosystem = "test", Name = $"observed-{i}", Version = "1.0.0", SourcePath = packagePath, Tasks = tasks,
            };
            var ticket = await remote.Client.StartAnalysisAsync(request);
            return await remote.Client.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);
        }));
    }

    /// <summary>The sum of the samples of <paramref name="metric"/> (exact name) whose labels include every one given.</summary>
    private static double Sample(string exposition, string metric, params string[] labels) => exposition
        .Split('\n')
        .Where(line => !line.StartsWith('#'))
        .Select(line => line.Trim())
        // Labels never hold '}' here: the value follows the last one (or the name, for a sample without labels).
        .Where(line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal))
        .Where(line => labels.All(label => line.Contains(label, StringComparison.Ordinal)))
        .Sum(line => double.Parse(line[((line.Contains('{') ? line.LastIndexOf('}') : line.IndexOf(' ')) + 1)..].Trim().Split(' ')[0],
            CultureInfo.InvariantCulture));
}
