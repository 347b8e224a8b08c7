using Cucos.Workers.SecurityIssues.Cvss;

namespace Cucos.Workers.SecurityIssues;

/// <summary>The base score and qualitative rating of one OSV severity entry (its type and vector as the record gives them).</summary>
public static class SeverityScores
{
    /// <summary>
    /// Scores CVSS v3.x and v4.0 vectors (<see cref="Cvss.Cvss"/>); null for other types (CVSS v2, a distribution's
    /// own word) and for a vector that does not parse, which the finding keeps as given.
    /// </summary>
    public static (double? Score, string? Rating) Of(string type, string vector) =>
        type is "CVSS_V3" or "CVSS_V4" && Cvss.Cvss.Score(vector) is { } score ? (score.BaseScore, score.Rating) : (null, null);
}
