using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cucos.Cli;
using Cucos.Client.Http;
using Cucos.Messages;
using Cucos.State;
using Cucos.Tests.Support;

namespace Cucos.Tests.Ecosystems;

/// <summary>
/// A plug-in ecosystem (the toy one, loaded from this test assembly as Cucos:TaskAssemblies) analysed end to end by the
/// CLI's embedded cluster and through the HTTP API of a real silo process, its packages on a loopback registry.
/// </summary>
[Trait("Category", "Processes")]
public sealed class PluginEcosystemProcessTests : IDisposable
{
    private readonly ToyPackages toy = new();
    private readonly TempDirectory work = new("cucos-toy");

    [Fact]
    public async Task Cucos_analyze_fetches_a_plug_in_ecosystems_package_named_as_toy_name_at_version()
    {
        var output = work.Combine("result.json");
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        var exit = await CucosCli.RunAsync(["analyze", $"toy:{ToyPackages.Name}@{ToyPackages.Version}", "--task-assemblies", toy.PluginPath,
            "--registry", $"toy={toy.BaseUrl}", "--tasks", "digests", "--output", output, "--quiet", "--cache", work.Combine("cache")], stdout, stderr);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        using var result = JsonDocument.Parse(File.ReadAllBytes(output));
        var results = result.RootElement.GetProperty("results");
        toy.AssertAnalysed(results.GetProperty("init"), results.GetProperty("digests"));
    }

    [Fact]
    public async Task Without_the_plug_in_the_cli_names_the_ecosystems_it_knows()
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        var exit = await CucosCli.RunAsync(["analyze", "toy:blocks@1.0", "--quiet"], stdout, stderr);

        Assert.Equal(2, exit);
        Assert.Contains("with an ecosystem among npm, nuget, pypi, maven, rubygems, crates, go: 'toy' is not one", stderr.ToString());
    }

    [Fact]
    public async Task A_silo_process_with_the_plug_in_analyses_it_over_http_by_its_alias_stored_under_its_id()
    {
        using var cache = new TempDirectory("cucos-toy-silo");
        await using var silo = await SiloProcess.StartAsync(cache.Path, "toy-" + Guid.NewGuid().ToString("N")[..8], new Dictionary<string, string>
        {
            ["Cucos__TaskAssemblies"] = toy.PluginPath,
            ["Cucos__Registries__toy"] = toy.BaseUrl,
        });
        await HttpWait.ReadyAsync(silo, TimeSpan.FromSeconds(60));
        using var http = CucosHttpClient.CreateHttpClient(silo.HttpAddress);

        using var started = await http.PostAsync("api/v1/analyses", new StringContent(
            """{"package": "toybox:blocks@1.0", "tasks": ["digests"], "force": true}""", Encoding.UTF8, "application/json"));

        Assert.True(started.StatusCode == HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync() + "\n" + silo.Output);
        var ticket = (await started.Content.ReadFromJsonAsync<AnalysisTicket>(CucosApiJson.Options))!;
        var api = new CucosHttpClient(http);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var analysis = await api.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);
        Assert.True(analysis.Status == AnalysisStatus.Succeeded,
            string.Join("; ", analysis.Tasks.Values.Select(t => $"{t.Name} {t.Status} {t.Error?.Message}")) + "\n" + silo.Output);
        Assert.Equal("toy", analysis.Request.Ecosystem);
        toy.AssertAnalysed((await api.GetResultAsync(ticket.AnalysisId, "init"))!.Value, (await api.GetResultAsync(ticket.AnalysisId, "digests"))!.Value);
        var listed = await api.ListAnalysesAsync("toybox", ToyPackages.Name, ToyPackages.Version);
        Assert.Equal(ticket.AnalysisId, Assert.Single(listed.Analyses).AnalysisId);
    }

    public void Dispose()
    {
        toy.Dispose();
        work.Dispose();
    }
}
