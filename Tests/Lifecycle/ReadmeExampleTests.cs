using System.Text;
using Cucos.Grains.Execution;
using Cucos.Sdk;
using Cucos.Tests.Support;
using Cucos.Tests.TestTasks;
using Cucos.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.Lifecycle;

/// <summary>README's "Adding a worker": the class it shows is this assembly's LineCountTask, and it works as told.</summary>
[Trait("Category", "Unit")]
public sealed class ReadmeExampleTests : IDisposable
{
    private readonly TempDirectory package = new("cucos-readme");

    [Fact]
    public void The_readme_shows_the_tested_class_word_for_word()
    {
        var root = SiloProcess.RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        var source = File.ReadAllText(Path.Combine(root, "Tests", "TestTasks", "LineCountTask.cs")).ReplaceLineEndings("\n");
        var begin = source.IndexOf("// README example begins\n", StringComparison.Ordinal) + "// README example begins\n".Length;
        var example = source[begin..source.IndexOf("// README example ends", StringComparison.Ordinal)];

        Assert.Contains("```csharp\n" + example, readme);
        Assert.Contains("services.AddCucosTask<LineCountTask>();", readme);
    }

    [Fact]
    public async Task The_example_registers_under_init_after_digests_and_counts_lines()
    {
        package.WriteFile("index.js", Encoding.UTF8.GetBytes("a\nb\n"));
        package.WriteFile("lib/util.js", Encoding.UTF8.GetBytes("1\n2\n3\n"));
        package.WriteFile("README.txt", Encoding.UTF8.GetBytes("not counted\n"));
        using var services = new ServiceCollection().AddCucosBuiltInTasks().AddCucosTask<LineCountTask>().BuildServiceProvider();
        var registry = services.GetRequiredService<TaskRegistry>();

        Assert.Contains("line_count", registry.Graph.DefaultFlow);
        Assert.Equal(["digests"], registry.Graph["line_count"].Prerequisites);

        var store = new InMemoryTaskResultStore();
        await store.SaveAsync("digests", 1, await WorkerRun.RunAsync(registry.Create("digests", services), package.Path, services: services), CancellationToken.None);
        var context = TaskContextFactory.Create("readme", "line_count", 1,
            new RequestView { Ecosystem = "local", Name = package.Path, Version = "local" }, package.Path, package.Path, store, services);
        var attempt = await TaskRunner.CallAsync(registry, context, CancellationToken.None);

        Assert.True(attempt.Succeeded, attempt.Report.Error?.Message);
        Assert.Equal(5, attempt.Document!.Value.GetProperty("summary").GetProperty("lines").GetInt32());
        Assert.Equal(3, attempt.Document.Value.GetProperty("summary").GetProperty("files").GetInt32());
    }

    public void Dispose() => package.Dispose();
}
