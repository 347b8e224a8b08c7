namespace Cucos.Sdk;

/// <summary>How a task joins an analysis.</summary>
public enum FlowPlacement
{
    /// <summary>init: every analysis starts with it.</summary>
    Root,
    /// <summary>Spawned by init when the request names no tasks.</summary>
    DefaultFlow,
    /// <summary>Spawned by its parent once the parent succeeded, whenever the parent runs.</summary>
    Child,
    /// <summary>Run once after its target and everything spawned below the target are final.</summary>
    Callback,
    /// <summary>Runs only when a request names it (or a task that depends on it).</summary>
    OnRequest,
}

/// <summary>One task's place in the flow, derived once from every task's declarations.</summary>
/// <param name="Parent">The task that spawns this one (init for the default flow), or the callback's target; null for the root and on-request tasks.</param>
/// <param name="Children">The tasks this one spawns once it succeeded (for init: besides the default flow or the request's tasks).</param>
/// <param name="Prerequisites">The tasks that must have succeeded first, besides the one that spawned it: its dependencies and its declared parent.</param>
public sealed record FlowNode(
    string Name,
    FlowPlacement Placement,
    string? Parent,
    IReadOnlyList<string> Children,
    IReadOnlyList<string> Prerequisites,
    string? Callback);

/// <summary>
/// The flow of every analysis as the registered tasks declare it, each relationship declared once: a task's
/// <see cref="BaseTask.SpawnedBy"/> (or a parent's <see cref="BaseTask.ChildTasks"/>) makes it a child,
/// <see cref="BaseTask.DependsOn"/> orders it after tasks whose results it reads, <see cref="BaseTask.CallbackTask"/>
/// brings a callback, and every other task in the default flow is a child of init. The analysis flow and
/// <c>cucos workers</c> both read it.
/// </summary>
public sealed class FlowGraph
{
    private readonly Dictionary<string, FlowNode> nodes;

    public FlowGraph(IEnumerable<TaskDescriptor> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var descriptors = tasks.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        var declaredParent = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var descriptor in descriptors)
        {
            if (descriptor.SpawnedBy is { } parent)
                declaredParent.TryAdd(descriptor.Name, parent);
            foreach (var child in descriptor.ChildTasks)
                declaredParent.TryAdd(child, descriptor.Name);
        }
        var callbackTarget = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var descriptor in descriptors)
            if (descriptor.CallbackTask is { } callback)
                callbackTarget.TryAdd(callback, descriptor.Name);

        nodes = new Dictionary<string, FlowNode>(StringComparer.Ordinal);
        foreach (var descriptor in descriptors)
        {
            var name = descriptor.Name;
            var (placement, parent) =
                name == CucosFlow.RootTask ? (FlowPlacement.Root, null)
                : declaredParent.TryGetValue(name, out var spawner) ? (FlowPlacement.Child, spawner)
                : callbackTarget.TryGetValue(name, out var target) ? (FlowPlacement.Callback, target)
                // The webhook follows finalize in analyses that name a URL (AnalysisFlow adds it); nothing declares it.
                : name == CucosFlow.WebhookTask && descriptors.Any(d => d.Name == CucosFlow.FinalizeTask) ? (FlowPlacement.Callback, CucosFlow.FinalizeTask)
                : descriptor.InDefaultFlow && name != CucosFlow.FinalizeTask ? (FlowPlacement.DefaultFlow, CucosFlow.RootTask)
                : (FlowPlacement.OnRequest, (string?)null);
            var children = descriptor.ChildTasks
                .Concat(descriptors.Where(d => d.SpawnedBy == name).Select(d => d.Name))
                .Distinct(StringComparer.Ordinal)
                .ToArray();
            var prerequisites = descriptor.SpawnedBy is { } declared
                ? descriptor.DependsOn.Prepend(declared).Distinct(StringComparer.Ordinal).ToArray()
                : [.. descriptor.DependsOn];
            nodes[name] = new FlowNode(name, placement, parent, children, prerequisites, descriptor.CallbackTask);
        }
        DefaultFlow = [.. nodes.Values.Where(n => n.Placement == FlowPlacement.DefaultFlow).Select(n => n.Name)];
    }

    /// <summary>Every task's node, by name.</summary>
    public IReadOnlyCollection<FlowNode> Nodes => nodes.Values;

    /// <summary>What init spawns when a request names no tasks.</summary>
    public IReadOnlyList<string> DefaultFlow { get; }

    public FlowNode this[string name] => nodes.TryGetValue(name, out var node)
        ? node
        : throw new KeyNotFoundException($"no task named '{name}' is registered. Known tasks: {string.Join(", ", nodes.Keys.Order(StringComparer.Ordinal))}.");

    public FlowNode? Find(string name) => nodes.GetValueOrDefault(name);

    /// <summary>The nodes whose <see cref="FlowNode.Parent"/> is <paramref name="name"/>, callbacks last.</summary>
    public IEnumerable<FlowNode> Below(string name) => nodes.Values
        .Where(n => n.Parent == name)
        .OrderBy(n => n.Placement == FlowPlacement.Callback)
        .ThenBy(n => n.Name, StringComparer.Ordinal);
}
