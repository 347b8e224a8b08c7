using System.Text.Json;
using Cucos.Grains.Execution;
using Cucos.Messages;
using Cucos.Sdk;

namespace Cucos.Tests.Support;

/// <summary>Runs a worker through its whole lifecycle on a folder, as <c>cucos worker</c> does, and checks its schema.</summary>
public static class WorkerRun
{
    public static async Task<JsonElement> RunAsync(BaseTask task, string packagePath, ITaskResultStore? results = null,
        IServiceProvider? services = null, Dictionary<string, string>? parameters = null)
    {
        var context = TaskContextFactory.Create(
            "test", task.Name, attempt: 1, AnalysisRequest.ForLocalPath(packagePath).ToRequestView() with { Parameters = parameters },
            packagePath, packagePath, results ?? new InMemoryTaskResultStore(), services ?? EmptyServices.Instance);
        var attempt = await TaskRunner.RunAsync(task, context, CancellationToken.None);
        Assert.True(attempt.Succeeded, $"{task.Name} failed: {attempt.Report.Error?.Type}: {attempt.Report.Error?.Message}\n{attempt.Report.Error?.StackTrace}");
        var document = attempt.Document!.Value;
        ResultSchemas.AssertValid(task.Name, document);
        return document;
    }

    /// <summary>The same, with other tasks' result documents (for instance metadata's) already stored.</summary>
    public static async Task<JsonElement> DocumentAsync(BaseTask task, string packagePath, IReadOnlyDictionary<string, JsonElement>? results = null)
    {
        var store = new InMemoryTaskResultStore();
        foreach (var (name, document) in results ?? new Dictionary<string, JsonElement>())
            await store.SaveAsync(name, 1, document, CancellationToken.None);
        return await RunAsync(task, packagePath, store);
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();
        public object? GetService(Type serviceType) => null;
    }
}
