namespace Cucos.Sdk;

/// <summary>What the flow needs to know of a registered task, read once when the registry is built.</summary>
public sealed record TaskDescriptor(
    string Name,
    string Description,
    string Version,
    Type TaskType,
    string? SpawnedBy,
    IReadOnlyList<string> ChildTasks,
    IReadOnlyList<string> DependsOn,
    string? CallbackTask,
    RetryPolicy RetryPolicy,
    TimeSpan Timeout,
    bool InDefaultFlow,
    bool ReadsPackageFiles = true);
