using System.Text.Json;
using Cucos.Orleans.Messages;
using Cucos.Orleans.Sdk;

namespace Cucos.Orleans.Tests.Support;

/// <summary>Runs one worker's whole lifecycle on a folder, as the CLI's <c>worker</c> command does, and returns its document.</summary>
public static class WorkerRun
{
    public static async Task<JsonElement> DocumentAsync(BaseTask task, string packagePath, IReadOnlyDictionary<string, JsonElement>? results = null)
    {
        var store = new InMemoryTaskResultStore();
        foreach (var (name, document) in results ?? new Dictionary<string, JsonElement>())
            await store.SaveAsync(name, 1, document, CancellationToken.None);
        var attempt = await task.RunAsync(new TaskContext
        {
            AnalysisId = "test",
            TaskName = task.Name,
            Request = AnalysisRequest.ForLocalPath(packagePath),
            CachePath = packagePath,
            PackagePath = packagePath,
            Results = store,
        }, CancellationToken.None);
        Assert.True(attempt.Succeeded, $"{task.Name} failed: {attempt.Report.Error?.Type}: {attempt.Report.Error?.Message}\n{attempt.Report.Error?.StackTrace}");
        return attempt.Document!.Value;
    }
}
