using Cucos.Sdk;

namespace Cucos.Tests.TestTasks;

// README's "Adding a worker" example, word for word between the markers; ReadmeExampleTests keeps the two equal.
// README example begins
public sealed class LineCountTask : BaseTask
{
    public override string Name => "line_count";
    public override string Description => "Counts the lines of every text file.";
    public override IReadOnlyList<string> DependsOn => ["digests"];     // optional: runs after digests succeeded
    public override RetryPolicy RetryPolicy => new(3, TimeSpan.FromSeconds(30), 2, TimeSpan.FromMinutes(10));

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var digests = await context.GetResultAsync("digests", cancellationToken)  // a dependency's result
            ?? throw new FatalTaskException("digests stored no result.");          // never retried
        var lines = 0;
        foreach (var file in Directory.EnumerateFiles(context.PackagePath, "*.js", SearchOption.AllDirectories))
            lines += (await File.ReadAllLinesAsync(file, cancellationToken)).Length;
        return TaskResult.Success(new { lines, files = digests.GetProperty("details").GetProperty("files").GetArrayLength() });
    }
}
// README example ends
