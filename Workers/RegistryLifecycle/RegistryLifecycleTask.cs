namespace Cucos.Workers.RegistryLifecycle;

/// <summary>
/// Work in progress (issue 15, registry lifecycle): only the task's name so far. The BaseTask itself (per-ecosystem
/// readers of the registry documents through RegistryHttp and the registry settings, "skipped" for a local path) and
/// its registration in BuiltInTasks are still to be written; until then nothing runs or lists this task.
/// </summary>
public static class RegistryLifecycleTask
{
    public const string TaskName = "registry_lifecycle";
}
