namespace Cucos.Workers.SecurityIssues.Cvss;

/// <summary>The metric groups of the specifications; v4.0 calls v3's temporal group "threat".</summary>
public enum CvssMetricGroup { Base, Temporal, Environmental, Supplemental }

/// <summary>One metric of a CVSS version: its abbreviation, the values it takes, and its group.</summary>
public sealed record CvssMetric(string Key, IReadOnlyList<string> Values, CvssMetricGroup Group)
{
    public bool Base => Group == CvssMetricGroup.Base;
}

/// <summary>
/// The metrics of each CVSS version in the order of the specification's vector table (v3.1 Table 15, v4.0 Table 23),
/// which is also the order of a normalised vector.
/// </summary>
public static class CvssMetrics
{
    public const string NotDefined = "X";

    private static readonly CvssMetric[] Version3 =
    [
        new("AV", ["N", "A", "L", "P"], CvssMetricGroup.Base),
        new("AC", ["L", "H"], CvssMetricGroup.Base),
        new("PR", ["N", "L", "H"], CvssMetricGroup.Base),
        new("UI", ["N", "R"], CvssMetricGroup.Base),
        new("S", ["U", "C"], CvssMetricGroup.Base),
        new("C", ["H", "L", "N"], CvssMetricGroup.Base),
        new("I", ["H", "L", "N"], CvssMetricGroup.Base),
        new("A", ["H", "L", "N"], CvssMetricGroup.Base),
        new("E", ["X", "H", "F", "P", "U"], CvssMetricGroup.Temporal),
        new("RL", ["X", "U", "W", "T", "O"], CvssMetricGroup.Temporal),
        new("RC", ["X", "C", "R", "U"], CvssMetricGroup.Temporal),
        new("CR", ["X", "H", "M", "L"], CvssMetricGroup.Environmental),
        new("IR", ["X", "H", "M", "L"], CvssMetricGroup.Environmental),
        new("AR", ["X", "H", "M", "L"], CvssMetricGroup.Environmental),
        new("MAV", ["X", "N", "A", "L", "P"], CvssMetricGroup.Environmental),
        new("MAC", ["X", "L", "H"], CvssMetricGroup.Environmental),
        new("MPR", ["X", "N", "L", "H"], CvssMetricGroup.Environmental),
        new("MUI", ["X", "N", "R"], CvssMetricGroup.Environmental),
        new("MS", ["X", "U", "C"], CvssMetricGroup.Environmental),
        new("MC", ["X", "H", "L", "N"], CvssMetricGroup.Environmental),
        new("MI", ["X", "H", "L", "N"], CvssMetricGroup.Environmental),
        new("MA", ["X", "H", "L", "N"], CvssMetricGroup.Environmental),
    ];

    private static readonly CvssMetric[] Version4 =
    [
        new("AV", ["N", "A", "L", "P"], CvssMetricGroup.Base),
        new("AC", ["L", "H"], CvssMetricGroup.Base),
        new("AT", ["N", "P"], CvssMetricGroup.Base),
        new("PR", ["N", "L", "H"], CvssMetricGroup.Base),
        new("UI", ["N", "P", "A"], CvssMetricGroup.Base),
        new("VC", ["H", "L", "N"], CvssMetricGroup.Base),
        new("VI", ["H", "L", "N"], CvssMetricGroup.Base),
        new("VA", ["H", "L", "N"], CvssMetricGroup.Base),
        new("SC", ["H", "L", "N"], CvssMetricGroup.Base),
        new("SI", ["H", "L", "N"], CvssMetricGroup.Base),
        new("SA", ["H", "L", "N"], CvssMetricGroup.Base),
        new("E", ["X", "A", "P", "U"], CvssMetricGroup.Temporal),
        new("CR", ["X", "H", "M", "L"], CvssMetricGroup.Environmental),
        new("IR", ["X", "H", "M", "L"], CvssMetricGroup.Environmental),
        new("AR", ["X", "H", "M", "L"], CvssMetricGroup.Environmental),
        new("MAV", ["X", "N", "A", "L", "P"], CvssMetricGroup.Environmental),
        new("MAC", ["X", "L", "H"], CvssMetricGroup.Environmental),
        new("MAT", ["X", "N", "P"], CvssMetricGroup.Environmental),
        new("MPR", ["X", "N", "L", "H"], CvssMetricGroup.Environmental),
        new("MUI", ["X", "N", "P", "A"], CvssMetricGroup.Environmental),
        new("MVC", ["X", "H", "L", "N"], CvssMetricGroup.Environmental),
        new("MVI", ["X", "H", "L", "N"], CvssMetricGroup.Environmental),
        new("MVA", ["X", "H", "L", "N"], CvssMetricGroup.Environmental),
        new("MSC", ["X", "H", "L", "N"], CvssMetricGroup.Environmental),
        new("MSI", ["X", "S", "H", "L", "N"], CvssMetricGroup.Environmental),
        new("MSA", ["X", "S", "H", "L", "N"], CvssMetricGroup.Environmental),
        // The supplemental metrics (v4.0 §4) describe the vulnerability further and never change its score.
        new("S", ["X", "N", "P"], CvssMetricGroup.Supplemental),
        new("AU", ["X", "N", "Y"], CvssMetricGroup.Supplemental),
        new("R", ["X", "A", "U", "I"], CvssMetricGroup.Supplemental),
        new("V", ["X", "D", "C"], CvssMetricGroup.Supplemental),
        new("RE", ["X", "L", "M", "H"], CvssMetricGroup.Supplemental),
        new("U", ["X", "Clear", "Green", "Amber", "Red"], CvssMetricGroup.Supplemental),
    ];

    public static IReadOnlyList<CvssMetric> For(string version) => version == "4.0" ? Version4 : Version3;
}
