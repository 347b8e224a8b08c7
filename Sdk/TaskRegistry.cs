using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Sdk;

/// <summary>A task type registered under a name (its own <see cref="BaseTask.Name"/> unless given).</summary>
public sealed record TaskRegistration(Type TaskType, string? Name = null);

/// <summary>Every registered task, checked once: names are unique and every task it names exists, with no cycles.</summary>
public sealed partial class TaskRegistry
{
    private readonly Dictionary<string, (TaskDescriptor Descriptor, ObjectFactory Factory)> tasks = new(StringComparer.Ordinal);

    /// <param name="retryLimit">A ceiling on every task's retry policy (an interactive host's), or none.</param>
    public TaskRegistry(IEnumerable<TaskRegistration> registrations, IServiceProvider services, RetryPolicyLimit? retryLimit = null)
    {
        var problems = new List<string>();
        foreach (var registration in registrations)
        {
            if (!typeof(BaseTask).IsAssignableFrom(registration.TaskType) || registration.TaskType.IsAbstract)
            {
                problems.Add($"{registration.TaskType.FullName} is not a concrete BaseTask.");
                continue;
            }
            var factory = ActivatorUtilities.CreateFactory(registration.TaskType, Type.EmptyTypes);
            var prototype = (BaseTask)factory(services, null);
            var name = registration.Name ?? prototype.Name;
            if (!NamePattern().IsMatch(name))
            {
                problems.Add($"task name '{name}' ({registration.TaskType.Name}) is not valid: use 1-64 lower-case letters, digits, '_' or '-'.");
                continue;
            }
            if (prototype.RetryPolicy.Problem() is { } policyProblem)
                problems.Add($"task '{name}': retry policy is not valid: {policyProblem}.");
            if (prototype.Timeout <= TimeSpan.Zero)
                problems.Add($"task '{name}': timeout must be positive.");
            var descriptor = new TaskDescriptor(
                name, prototype.Description, prototype.Version, registration.TaskType, prototype.SpawnedBy,
                [.. prototype.ChildTasks], [.. prototype.DependsOn], prototype.CallbackTask,
                retryLimit is null ? prototype.RetryPolicy : retryLimit.Apply(prototype.RetryPolicy), prototype.Timeout, prototype.InDefaultFlow,
                prototype.ReadsPackageFiles);
            if (!tasks.TryAdd(name, (descriptor, factory)))
                problems.Add($"task name '{name}' is registered twice ({tasks[name].Descriptor.TaskType.Name} and {registration.TaskType.Name}).");
        }

        foreach (var (descriptor, _) in tasks.Values)
        {
            foreach (var other in descriptor.ChildTasks.Concat(descriptor.DependsOn).Append(descriptor.CallbackTask).Append(descriptor.SpawnedBy))
                if (other is not null && !tasks.ContainsKey(other))
                    problems.Add($"task '{descriptor.Name}' names task '{other}', which is not registered.");
            foreach (var child in descriptor.ChildTasks)
                if (tasks.TryGetValue(child, out var named) && named.Descriptor.SpawnedBy is { } parent && parent != descriptor.Name)
                    problems.Add($"task '{child}' says it is spawned by '{parent}', but '{descriptor.Name}' names it as its child: keep one of the two.");
        }
        if (problems.Count == 0 && FindCycle() is { } cycle)
            problems.Add($"tasks form a cycle: {string.Join(" -> ", cycle)}.");
        if (problems.Count > 0)
            throw new InvalidOperationException("The Cucos task registrations are not valid:\n  " + string.Join("\n  ", problems));
        Graph = new FlowGraph(tasks.Values.Select(t => t.Descriptor));
    }

    /// <summary>The flow every analysis follows, derived once from the tasks' declarations.</summary>
    public FlowGraph Graph { get; }

    public IReadOnlyCollection<TaskDescriptor> All => [.. tasks.Values.Select(t => t.Descriptor).OrderBy(d => d.Name, StringComparer.Ordinal)];

    public TaskDescriptor? Find(string name) => tasks.TryGetValue(name, out var task) ? task.Descriptor : null;

    public TaskDescriptor Get(string name) => Find(name)
        ?? throw new KeyNotFoundException($"no task named '{name}' is registered. Known tasks: {string.Join(", ", tasks.Keys.Order())}.");

    /// <summary>A fresh instance of the task, its constructor's services taken from <paramref name="services"/>.</summary>
    public BaseTask Create(string name, IServiceProvider services)
    {
        _ = Get(name);
        return (BaseTask)tasks[name].Factory(services, null);
    }

    /// <summary>What init spawns when a request names no tasks: every default-flow task nobody else spawns.</summary>
    public IReadOnlyList<string> DefaultFlow() => Graph.DefaultFlow;

    /// <summary>The names in <paramref name="names"/> that are not registered.</summary>
    public IReadOnlyList<string> Unknown(IEnumerable<string> names) => [.. names.Where(n => !tasks.ContainsKey(n))];

    // Edges run from what must come first to what comes after: parent to child, dependency to dependent.
    private List<string>? FindCycle()
    {
        var edges = tasks.Keys.ToDictionary(k => k, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (descriptor, _) in tasks.Values)
        {
            edges[descriptor.Name].AddRange(descriptor.ChildTasks);
            if (descriptor.SpawnedBy is { } parent)
                edges[parent].Add(descriptor.Name);
            foreach (var dependency in descriptor.DependsOn)
                edges[dependency].Add(descriptor.Name);
        }
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        var path = new List<string>();
        foreach (var start in edges.Keys.Order(StringComparer.Ordinal))
            if (Visit(start) is { } cycle)
                return cycle;
        return null;

        List<string>? Visit(string node)
        {
            if (state.TryGetValue(node, out var s))
                return s == 1 ? [.. path.Skip(path.IndexOf(node)), node] : null;
            state[node] = 1;
            path.Add(node);
            foreach (var next in edges[node])
                if (Visit(next) is { } cycle)
                    return cycle;
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex NamePattern();
}
