using System.Text;
using Cucos.Sdk;
using Cucos.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Cli.Commands;

/// <summary><c>cucos workers</c>: the registered tasks and the flow they form, as the analysis follows it.</summary>
public static class WorkersCommand
{
    public const string Help = """
        usage: cucos workers [--format table|dot] [--task-assembly DLL]

        Lists the registered tasks with their versions, place in the flow and descriptions, then
        draws the flow as a tree: what init spawns, what each task spawns in turn, what a task
        needs, and the callbacks. The graph is the one every analysis follows.

          --format table   the list and the tree (the default)
          --format dot     the flow as a Graphviz graph: cucos workers --format dot | dot -Tsvg > flow.svg
          --task-assembly DLL  also the tasks of this plug-in assembly (repeatable; --task-assemblies A;B
                           and Cucos__TaskAssemblies take a list)
        """;

    private static readonly string[] Formats = ["table", "dot"];

    public static CucosCommand Create() =>
        new CucosCommand("workers", "list the registered tasks and draw their flow", Help)
            .Value("--format", "table or dot", "-f")
            .Completing("--format", Formats)
            .Repeatable("--task-assembly", "a plug-in assembly")
            .Value("--task-assemblies", "';'-separated plug-in assemblies")
            .Runs((line, console, _) => Task.FromResult(Run(line, console.Out)));

    public static int Run(CommandLine line, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(stdout);
        if (line.Positionals.Count > 0)
            throw new UsageException("workers takes no arguments. See 'cucos workers --help'.");
        var format = line.Value("--format") ?? "table";
        if (!Formats.Contains(format))
            throw new UsageException($"--format '{format}' is not known: use {string.Join(" or ", Formats)}.");
        ServiceProvider services;
        TaskRegistry registry;
        try
        {
            services = new ServiceCollection()
                .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddEnvironmentVariables().Build())
                .AddCucosBuiltInTasks().AddCucosTaskAssemblies(AnalyzeCommand.TaskAssemblies(line)).BuildServiceProvider();
            registry = services.GetRequiredService<TaskRegistry>();
        }
        catch (InvalidOperationException exception)
        {
            throw new UsageException(exception.Message);
        }
        using var _ = services;
        stdout.Write(format == "dot" ? Dot(registry) : Table(registry) + Environment.NewLine + Tree(registry));
        return 0;
    }

    /// <summary>One line per task: name, version, place in the flow, description.</summary>
    public static string Table(TaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        // Columns as wide as their longest entry, so a long plug-in task name or place never pushes a row askew.
        var rows = registry.All.Select(t => (t.Name, t.Version, Place: Place(registry.Graph[t.Name], t), t.Description)).ToList();
        var nameWidth = Math.Max("TASK".Length, rows.Max(r => r.Name.Length));
        var versionWidth = Math.Max("VERSION".Length, rows.Max(r => r.Version.Length));
        var placeWidth = Math.Max("FLOW".Length, rows.Max(r => r.Place.Length));
        var text = new StringBuilder();
        text.AppendLine($"{"TASK".PadRight(nameWidth)}  {"VERSION".PadRight(versionWidth)}  {"FLOW".PadRight(placeWidth)}  DESCRIPTION");
        foreach (var (name, version, place, description) in rows)
            text.AppendLine($"{name.PadRight(nameWidth)}  {version.PadRight(versionWidth)}  {place.PadRight(placeWidth)}  {description}");
        return text.ToString();
    }

    /// <summary>Where a task sits: <c>root</c>, <c>child of init</c>, <c>child of metadata</c>, <c>callback of init</c>, <c>on request</c>; and what else it needs.</summary>
    public static string Place(FlowNode node, TaskDescriptor task)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(task);
        var place = node.Placement switch
        {
            FlowPlacement.Root => "root",
            FlowPlacement.Callback => $"callback of {node.Parent}",
            FlowPlacement.OnRequest => "on request",
            _ => $"child of {node.Parent}",
        };
        var needs = Needs(node);
        return needs.Count > 0 ? place + ", needs " + string.Join("+", needs) : place;
    }

    /// <summary>The flow from init down, then the tasks that run only when a request names them.</summary>
    public static string Tree(TaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var graph = registry.Graph;
        var text = new StringBuilder();
        text.AppendLine("The flow of an analysis that names no tasks:");
        if (graph.Find(CucosFlow.RootTask) is { } root)
        {
            text.AppendLine(Label(root, registry));
            Branches(root.Name, "");
        }
        var onRequest = graph.Nodes.Where(n => n.Placement == FlowPlacement.OnRequest).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        if (onRequest.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Only when a request names them (cucos analyze --tasks), as children of init:");
            foreach (var node in onRequest)
            {
                text.AppendLine(Label(node, registry));
                Branches(node.Name, "");
            }
        }
        return text.ToString();

        void Branches(string parent, string indent)
        {
            var below = graph.Below(parent).ToList();
            for (var i = 0; i < below.Count; i++)
            {
                var last = i == below.Count - 1;
                text.Append(indent).Append(last ? "└── " : "├── ").AppendLine(Label(below[i], registry));
                Branches(below[i].Name, indent + (last ? "    " : "│   "));
            }
        }
    }

    /// <summary>
    /// The flow as a Graphviz digraph: solid edges spawn (parent to child), dashed ones order a task after one
    /// whose result it needs, dotted ones lead to a callback.
    /// </summary>
    public static string Dot(TaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var text = new StringBuilder();
        text.AppendLine("digraph cucos_flow {");
        text.AppendLine("  rankdir=LR;");
        text.AppendLine("  node [shape=box];");
        foreach (var task in registry.All)
        {
            var node = registry.Graph[task.Name];
            var style = node.Placement == FlowPlacement.OnRequest ? ", style=dashed" : "";
            text.AppendLine($"  {Quote(task.Name)} [label={Quote($"{task.Name}\\n{task.Version}")}{style}];");
        }
        foreach (var node in registry.Graph.Nodes.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            if (node.Parent is { } parent)
                text.AppendLine(node.Placement == FlowPlacement.Callback
                    ? $"  {Quote(parent)} -> {Quote(node.Name)} [style=dotted, label=\"callback\"];"
                    : $"  {Quote(parent)} -> {Quote(node.Name)} [label=\"spawns\"];");
            foreach (var needed in Needs(node))
                text.AppendLine($"  {Quote(needed)} -> {Quote(node.Name)} [style=dashed, label=\"needed by\"];");
        }
        text.AppendLine("}");
        return text.ToString();
    }

    // What a task waits for besides the task that spawns it.
    private static List<string> Needs(FlowNode node) => [.. node.Prerequisites.Where(p => p != node.Parent)];

    private static string Label(FlowNode node, TaskRegistry registry)
    {
        var task = registry.Get(node.Name);
        var label = $"{node.Name} {task.Version}";
        var needs = Needs(node);
        if (node.Placement == FlowPlacement.Callback)
            label += " (callback: once everything below its target is final)";
        else if (needs.Count > 0)
            label += $" (needs {string.Join(", ", needs)})";
        return label;
    }

    private static string Quote(string value) => "\"" + value.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
