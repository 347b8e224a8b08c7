namespace Cucos;

/// <summary>How grain keys are formed, in one place so every caller agrees.</summary>
public static class GrainKeys
{
    /// <summary>
    /// The id of a package version's analysis number <paramref name="sequence"/> (0 for its first): derived, not drawn,
    /// so a package grain that started an analysis and then failed to record it finds the same one when asked again.
    /// 32 lower-case hex digits, as the API expects.
    /// </summary>
    public static string AnalysisId(string packageKey, int sequence) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{packageKey}\n{sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)}")))[..32];

    public static string TaskResult(string analysisId, string taskName) => $"{analysisId}/{taskName}";

    public static string Callback(string analysisId, string callbackName) => $"{analysisId}/{callbackName}";

    /// <summary>
    /// The key of a package version's grain: <c>ecosystem:name:version</c> with '%' and ':' inside each part written
    /// as <c>%25</c> and <c>%3A</c>, so the separator never occurs in a part and no two versions share a key (Maven's
    /// <c>org.x</c> at <c>lib:1.0</c> and <c>org.x:lib</c> at <c>1.0</c> did before migration 0006). A part without
    /// either character is written as it is, so most keys read as before.
    /// </summary>
    public static string Package(string ecosystem, string name, string version) =>
        $"{EscapePackagePart(ecosystem)}:{EscapePackagePart(name)}:{EscapePackagePart(version)}";

    private static string EscapePackagePart(string part) =>
        part.Replace("%", "%25", StringComparison.Ordinal).Replace(":", "%3A", StringComparison.Ordinal);
}
