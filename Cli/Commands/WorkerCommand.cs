using System.Text.Json;
using Cucos.Cli.Output;
using Cucos.Grains.Execution;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Cli.Commands;

/// <summary><c>cucos worker TASK PATH</c>: one task's lifecycle on a folder, with no cluster, broker or database.</summary>
public static class WorkerCommand
{
    public const string Help = """
        usage: cucos worker TASK PATH [options]

        Runs one task on a folder and prints its result document as JSON. No cluster, broker
        or database is involved. For 'init', PATH is the directory or archive to lay out, or a
        package to fetch as ECOSYSTEM:NAME@VERSION (registries as for 'cucos analyze').

          TASK                       a task name; 'cucos workers' lists them
          PATH                       the package folder to analyse
          -o, --output FILE          write the JSON to FILE instead of the terminal ('-' is stdout)
          -p, --param NAME=VALUE     a parameter for the task (repeatable)
          --with-result TASK=FILE    a result document the task depends on (repeatable)
          --task-assembly DLL        a plug-in assembly whose tasks and ecosystems are loaded (repeatable;
                                     --task-assemblies A;B and Cucos__TaskAssemblies take a list)
          --keep-cache               for 'init': keep the folder it lays the package out in (the
                                     result's package_path); without it the folder is removed
          -v, --verbose              print the full stack of an error

        Exit codes: 0 the task succeeded, 1 it failed, 2 bad usage.
        """;

    public static CucosCommand Create() =>
        new CucosCommand("worker", "TASK PATH  run one task on a folder and print its JSON, no cluster", Help, "TASK PATH")
            .Value("--output", "where the JSON goes ('-' is stdout)", "-o")
            .Repeatable("--param", "a task parameter NAME=VALUE", "-p")
            .Repeatable("--with-result", "TASK=FILE, a result the task depends on")
            .Repeatable("--task-assembly", "a plug-in assembly")
            .Value("--task-assemblies", "';'-separated plug-in assemblies")
            .Flag("--keep-cache", "for init: keep the laid-out package")
            .Flag("--verbose", "the full stack of an error", "-v")
            .Runs(RunAsync);

    public static async Task<int> RunAsync(CommandLine line, CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(console);
        var (stdout, stderr) = (console.Out, console.Error);
        if (line.Positionals.Count != 2)
            throw new UsageException("worker needs a TASK and a PATH, for example 'cucos worker digests ./my-package'. See 'cucos worker --help'.");
        var (taskName, path) = (line.Positionals[0], Path.GetFullPath(line.Positionals[1]));
        var output = line.Value("--output") is "-" ? null : line.Value("--output");
        CliJson.CheckWritable(output);

        ServiceProvider services;
        try
        {
            services = new ServiceCollection()
                .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddEnvironmentVariables().Build())
                .AddLogging(logging => AnalyzeCommand.ConfigureLogging(logging, line.Has("--verbose")))
                .AddCucosBuiltInTasks()
                .AddCucosTaskAssemblies(AnalyzeCommand.TaskAssemblies(line))
                .BuildServiceProvider();
        }
        catch (InvalidOperationException exception)
        {
            // A plug-in that cannot be loaded, or whose tasks do not fit with the built-in ones.
            throw new UsageException(exception.Message);
        }
        await using var _ = services;
        var registry = services.GetRequiredService<TaskRegistry>();
        if (registry.Find(taskName) is null)
            throw new UsageException($"no task named '{taskName}'. Known tasks: {string.Join(", ", registry.All.Select(d => d.Name))}.");

        var isInit = taskName == CucosFlow.RootTask;
        var request = isInit
            ? AnalyzeCommand.KnownEcosystem(services.GetRequiredService<EcosystemCatalog>(), AnalyzeCommand.Request(line.Positionals[1], null)) with { Force = false }
            : AnalysisRequest.ForLocalPath(path);
        if (!isInit && !Directory.Exists(path))
            throw new UsageException(File.Exists(path)
                ? $"'{line.Positionals[1]}' is a file; task '{taskName}' reads a folder. Unpack it first, or run 'cucos analyze' on the archive."
                : $"'{line.Positionals[1]}' does not exist. Give the folder to analyse.");

        var results = new InMemoryTaskResultStore();
        foreach (var (dependency, file) in line.Pairs("--with-result", "worker"))
            await results.SaveAsync(dependency, 1, await ReadDocumentAsync(file, cancellationToken), cancellationToken);

        var cache = isInit ? Path.Combine(Path.GetTempPath(), "cucos-worker-" + Guid.NewGuid().ToString("N")) : path;
        var parameters = line.Pairs("--param", "worker");
        var context = TaskContextFactory.Create(
            "standalone", taskName, attempt: 1, request.ToRequestView() with { Parameters = parameters.Count > 0 ? parameters : null },
            cache, packagePath: isInit ? null : path, results, services);
        try
        {
            var attempt = await TaskRunner.CallAsync(registry, context, cancellationToken);
            if (attempt.Report.Error is { } error)
            {
                stderr.WriteLine($"error: task '{taskName}' failed: {error.Type}: {error.Message}");
                if (line.Has("--verbose"))
                    stderr.WriteLine(error.StackTrace);
                return 1;
            }
            var json = JsonSerializer.Serialize(attempt.Document, CliJson.Options);
            if (output is null)
                stdout.WriteLine(json);
            else
                await CliJson.WriteFileAsync(output, attempt.Document!, cancellationToken);
            return 0;
        }
        finally
        {
            if (isInit && line.Has("--keep-cache") && Directory.Exists(cache))
                stderr.WriteLine($"kept: the package is laid out in {cache} (remove it when done).");
            else if (isInit && Directory.Exists(cache))
                Directory.Delete(cache, recursive: true);
        }
    }

    private static async Task<JsonElement> ReadDocumentAsync(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
            throw new UsageException($"--with-result file '{file}' does not exist.");
        try
        {
            await using var stream = File.OpenRead(file);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            return document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new UsageException($"--with-result file '{file}' is not valid JSON: {exception.Message}");
        }
    }
}
