using System.Text.Json;
using Cucos.Grains.Execution;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.Tests.Dependencies;
using Cucos.Tests.Support;
using Cucos.Workers.Dependencies;
using Cucos.Workers.SecurityIssues;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.SecurityIssues;

/// <summary>Runs security_issues through its lifecycle for a registry package, with the sources and listings a test gives.</summary>
public sealed class SecurityRun : IDisposable
{
    private readonly TempDirectory work = new("cucos-security");

    public SecurityRun(AdvisorySettings settings, params FixedVersionSource[] registries)
        : this(settings, registries, null)
    {
    }

    /// <param name="moreServices">Services a test adds, such as the PostgreSQL advisory store.</param>
    public SecurityRun(AdvisorySettings settings, IEnumerable<FixedVersionSource> registries, Action<IServiceCollection>? moreServices)
    {
        var services = new ServiceCollection().AddSingleton(settings).AddSingleton(new AdvisorySources(TimeProvider.System));
        foreach (var registry in registries)
            services.AddSingleton<Cucos.Sdk.Ecosystems.IPackageVersionSource>(registry);
        moreServices?.Invoke(services);
        Services = services.BuildServiceProvider();
    }

    public ServiceProvider Services { get; }

    public async Task<FinishedAttempt> AttemptAsync(string ecosystem, string name, string version, params ResolvedDependency[] dependencies)
    {
        var snapshot = new DependencySnapshotDetails(ecosystem, dependencies, new DependencyAnalyses(0, "not requested", []));
        var document = JsonSerializer.SerializeToElement(new { status = "success", summary = new { }, details = TaskJson.ToNode(snapshot) }, TaskJson.Options);
        return await AttemptAsync(ecosystem, name, version, document);
    }

    /// <summary>One attempt after the dependency_snapshot result a test produced (a real run of metadata and dependency_snapshot).</summary>
    public async Task<FinishedAttempt> AttemptAsync(string ecosystem, string name, string version, JsonElement snapshotDocument)
    {
        var store = new InMemoryTaskResultStore();
        await store.SaveAsync(DependencySnapshotTask.TaskName, 1, snapshotDocument, CancellationToken.None);
        var context = TaskContextFactory.Create("security-test", SecurityIssuesTask.TaskName, 1,
            AnalysisRequest.ForPackage(ecosystem, name, version).ToRequestView(), work.Path, work.Path, store, Services);
        return await TaskRunner.RunAsync(new SecurityIssuesTask(Services.GetRequiredService<AdvisorySources>()), context, CancellationToken.None);
    }

    /// <summary>The result document, checked against schemas/security_issues.schema.json.</summary>
    public async Task<JsonElement> DocumentAsync(string ecosystem, string name, string version, params ResolvedDependency[] dependencies)
    {
        var attempt = await AttemptAsync(ecosystem, name, version, dependencies);
        Assert.True(attempt.Succeeded, $"security_issues failed: {attempt.Report.Error?.Type}: {attempt.Report.Error?.Message}\n{attempt.Report.Error?.StackTrace}");
        ResultSchemas.AssertValid(SecurityIssuesTask.TaskName, attempt.Document!.Value);
        return attempt.Document!.Value;
    }

    public static ResolvedDependency Dependency(string name, string version) => new(name, "^" + version, null, version, DateTimeOffset.UnixEpoch, null);

    public void Dispose()
    {
        Services.Dispose();
        work.Dispose();
    }
}

/// <summary>Reading a result document in tests.</summary>
public static class SecurityResult
{
    public static JsonElement Summary(this JsonElement document) => document.GetProperty("summary");
    public static JsonElement Details(this JsonElement document) => document.GetProperty("details");

    public static List<JsonElement> Findings(this JsonElement document) => [.. document.Details().GetProperty("vulnerabilities").EnumerateArray()];

    public static JsonElement Finding(this JsonElement document, string id) =>
        document.Findings().Single(f => f.GetProperty("id").GetString() == id);

    public static List<string> Strings(this JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
