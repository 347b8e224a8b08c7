namespace Cucos;

/// <summary>How grain keys are formed, in one place so every caller agrees.</summary>
public static class GrainKeys
{
    public static string NewAnalysisId() => Guid.NewGuid().ToString("N");

    public static string TaskResult(string analysisId, string taskName) => $"{analysisId}/{taskName}";

    public static string Callback(string analysisId, string callbackName) => $"{analysisId}/{callbackName}";

    public static string Package(string ecosystem, string name, string version) => $"{ecosystem}:{name}:{version}";
}
