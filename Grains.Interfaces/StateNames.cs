namespace Cucos;

/// <summary>
/// Grain storage names. Storage rows are keyed by state name, not grain type, so each grain type has its own.
/// </summary>
public static class StateNames
{
    public const string StorageProvider = "cucos";
    public const string Analysis = "analysis";
    public const string Package = "package";
    public const string TaskResult = "task-result";
    public const string UsageRefresh = "usage-refresh";
    public const string AdvisoryRefresh = "advisory-refresh";
}
