using Cucos.Sdk;
using Cucos.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Cli.Commands;

/// <summary><c>cucos workers</c>: the registered tasks and where they sit in the flow.</summary>
public static class WorkersCommand
{
    public const string Help = """
        usage: cucos workers

        Lists the registered tasks with their descriptions, versions and place in the flow.
        """;

    public static int Run(string[] args, TextWriter stdout)
    {
        if (new CommandLine("workers", args, [], []).Positionals.Count > 0)
            throw new UsageException("workers takes no arguments. See 'cucos workers --help'.");
        using var services = new ServiceCollection().AddCucosBuiltInTasks().BuildServiceProvider();
        var registry = services.GetRequiredService<TaskRegistry>();
        var defaultFlow = registry.DefaultFlow().ToHashSet();
        stdout.WriteLine($"{"TASK",-16} {"VERSION",-8} {"FLOW",-26} DESCRIPTION");
        foreach (var task in registry.All)
        {
            var place = task.Name == CucosFlow.RootTask ? "root"
                : task.Name == CucosFlow.FinalizeTask ? "callback of init"
                : defaultFlow.Contains(task.Name) ? "child of init"
                : "on request";
            if (task.DependsOn.Count > 0)
                place += ", needs " + string.Join("+", task.DependsOn);
            stdout.WriteLine($"{task.Name,-16} {task.Version,-8} {place,-26} {task.Description}");
        }
        return 0;
    }
}
