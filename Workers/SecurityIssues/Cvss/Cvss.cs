namespace Cucos.Workers.SecurityIssues.Cvss;

/// <summary>Scores CVSS v3.0, v3.1 and v4.0 vectors as the FIRST specifications define them.</summary>
public static class Cvss
{
    /// <summary>The scores of a vector, or null when it is not a valid CVSS v3.0, v3.1 or v4.0 vector.</summary>
    public static CvssScore? Score(string vector) =>
        CvssVector.TryParse(vector, out var parsed, out _) ? Score(parsed!) : null;

    public static CvssScore Score(CvssVector vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        double baseScore;
        double score;
        string kind;
        if (vector.IsVersion4)
        {
            baseScore = Cvss4Scorer.Score(vector.BaseOnly());
            score = Cvss4Scorer.Score(vector);
            kind = "CVSS-B" + (vector.Has(CvssMetricGroup.Temporal) ? "T" : "") + (vector.Has(CvssMetricGroup.Environmental) ? "E" : "");
        }
        else
        {
            baseScore = Cvss3Scorer.Base(vector);
            (score, kind) = vector.Has(CvssMetricGroup.Environmental) ? (Cvss3Scorer.Environmental(vector), "environmental")
                : vector.Has(CvssMetricGroup.Temporal) ? (Cvss3Scorer.Temporal(vector), "temporal")
                : (baseScore, "base");
        }
        return new CvssScore(vector.Version, vector.ToString(), baseScore, Rating(baseScore), score, kind, Rating(score));
    }

    /// <summary>The qualitative severity rating of a score (v3.1 §5, v4.0 §6), in lower case.</summary>
    public static string Rating(double score) => score switch
    {
        <= 0 => "none",
        < 4.0 => "low",
        < 7.0 => "medium",
        < 9.0 => "high",
        _ => "critical",
    };
}
