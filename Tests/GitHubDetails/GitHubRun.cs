using System.Text.Json;
using Cucos.Grains.Execution;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.Tests.Observability;
using Cucos.Tests.Support;
using Cucos.Workers.GitHubDetails;
using Cucos.Workers.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cucos.Tests.GitHubDetails;

/// <summary>Runs github_details through its lifecycle with a stored metadata result naming a repository URL.</summary>
public sealed class GitHubRun : IDisposable
{
    private readonly TempDirectory work = new("cucos-github");

    public GitHubRun(GitHubSettings settings, IHttpResponseCache? cache = null)
    {
        Settings = settings;
        Cache = cache ?? new InMemoryHttpResponseCache();
        Logs = new LogCapture();
        Services = new ServiceCollection()
            .AddSingleton(settings)
            .AddSingleton(Cache)
            .AddSingleton(new GitHubServices(TimeProvider.System))
            .AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace))
            .BuildServiceProvider();
    }

    public GitHubSettings Settings { get; }
    public IHttpResponseCache Cache { get; }
    public LogCapture Logs { get; }
    public ServiceProvider Services { get; }

    /// <summary>Settings for a loopback server: its API base, github.com repositories served by it unless other hosts are named.</summary>
    public static GitHubSettings For(GitHubApiServer server, string[]? tokens = null, string[]? hosts = null, int statsAttempts = 3) =>
        new(server.ApiBaseUrl, tokens ?? [], hosts ?? ["github.com"], statsAttempts, TimeSpan.FromSeconds(7)) { Configured = true };

    public async Task<FinishedAttempt> AttemptAsync(string? repositoryUrl, int attempt = 1)
    {
        var store = new InMemoryTaskResultStore();
        var metadata = new MetadataDetails { CodeRepository = repositoryUrl is null ? null : new CodeRepository("git", repositoryUrl) };
        var document = JsonSerializer.SerializeToElement(new { status = "success", summary = new { }, details = TaskJson.ToNode(metadata) }, TaskJson.Options);
        await store.SaveAsync(MetadataTask.TaskName, 1, document, CancellationToken.None);
        var context = TaskContextFactory.Create("github-test", GitHubDetailsTask.TaskName, attempt,
            AnalysisRequest.ForPackage("npm", "hello", "1.0.0").ToRequestView(), work.Path, work.Path, store, Services);
        return await TaskRunner.RunAsync(new GitHubDetailsTask(Services.GetRequiredService<GitHubServices>()), context, CancellationToken.None);
    }

    /// <summary>The result document of a successful attempt, checked against schemas/github_details.schema.json.</summary>
    public async Task<JsonElement> DocumentAsync(string? repositoryUrl, int attempt = 1)
    {
        var finished = await AttemptAsync(repositoryUrl, attempt);
        Assert.True(finished.Succeeded, $"github_details did not succeed: {finished.Report.Outcome} {finished.Report.Error?.Type}: {finished.Report.Error?.Message}");
        ResultSchemas.AssertValid(GitHubDetailsTask.TaskName, finished.Document!.Value);
        return finished.Document!.Value;
    }

    /// <summary>Everything an operator could see of the attempts: the logs.</summary>
    public string LoggedText => string.Join("\n", Logs.Lines.Select(l => l.Message));

    public void Dispose()
    {
        Services.Dispose();
        work.Dispose();
    }
}
