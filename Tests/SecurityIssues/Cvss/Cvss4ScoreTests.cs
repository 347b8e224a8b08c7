using System.Globalization;
using Cucos.Workers.SecurityIssues.Cvss;

namespace Cucos.Tests.SecurityIssues.Cvss;

/// <summary>CVSS v4.0 scores against the specification's examples and every vector FIRST's reference calculator scored.</summary>
[Trait("Category", "Unit")]
public sealed class Cvss4ScoreTests
{
    [Theory]
    // The specification's own example of a base vector (§7) and the calculator's default: 9.3.
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, "CVSS-B")]
    // The highest macrovector (000000) scores 10 and nothing lies below its highest vector.
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0, "CVSS-B")]
    // No impact on the vulnerable or any subsequent system scores 0 whatever else the vector says (§8).
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:A", 0.0, "CVSS-BT")]
    // A local exploit needing low privileges, full impact on the vulnerable system (the v4.0 examples' 8.5).
    [InlineData("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5, "CVSS-B")]
    // Threat: unreported exploitation lowers the 9.3 above (the reference calculator's CVSS-BT).
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 8.1, "CVSS-BT")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:L/IR:L/AR:L", 8.9, "CVSS-BE")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/MAV:L/MSI:S", 8.7, "CVSS-BTE")]
    public void Score_is_the_specification_s(string vector, double expected, string kind)
    {
        var score = Workers.SecurityIssues.Cvss.Cvss.Score(vector)!;
        Assert.Equal((expected, kind), (score.Score, score.ScoreKind));
    }

    [Fact]
    public void Base_score_ignores_threat_and_environmental_metrics()
    {
        var score = Workers.SecurityIssues.Cvss.Cvss.Score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/CR:L/U:Red")!;
        Assert.Equal((9.3, "critical"), (score.BaseScore, score.Rating));
        Assert.Equal("high", score.ScoreRating);
    }

    [Fact]
    public void Supplemental_metrics_never_change_the_score()
    {
        const string Base = "CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:A/VC:L/VI:H/VA:N/SC:L/SI:N/SA:H";
        var score = Workers.SecurityIssues.Cvss.Cvss.Score(Base + "/S:P/AU:Y/R:I/V:C/RE:H/U:Amber")!;
        Assert.Equal((Workers.SecurityIssues.Cvss.Cvss.Score(Base)!.Score, "CVSS-B"), (score.Score, score.ScoreKind));
    }

    [Fact]
    public void Every_vector_scores_as_in_the_reference_calculator()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "SecurityIssues", "Cvss", "Data", "cvss-v4-reference-scores.tsv");
        var cases = File.ReadLines(path).Where(line => !line.StartsWith('#')).Select(line => line.Split('\t')).ToList();
        Assert.True(cases.Count >= 3000, $"only {cases.Count} reference vectors in {path}");
        var wrong = cases
            .Select(c => (Vector: c[0], Expected: double.Parse(c[1], CultureInfo.InvariantCulture), Actual: Workers.SecurityIssues.Cvss.Cvss.Score(c[0])?.Score))
            .Where(c => c.Actual != c.Expected)
            .ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {cases.Count} differ, e.g. " + string.Join("; ", wrong.Take(5).Select(w => $"{w.Vector} = {w.Actual} (reference {w.Expected})")));
    }

    [Fact]
    public void The_vendored_tables_cover_every_macrovector()
    {
        var tables = Cvss4Tables.Instance;
        // EQ1 0-2, EQ2 0-1, EQ4 0-2, EQ5 0-2, and EQ3/EQ6 jointly 00, 01, 10, 11, 21 (a low EQ3 cannot meet EQ6 0).
        var expected = from eq1 in Enumerable.Range(0, 3)
                       from eq2 in Enumerable.Range(0, 2)
                       from eq36 in new[] { (0, 0), (0, 1), (1, 0), (1, 1), (2, 1) }
                       from eq4 in Enumerable.Range(0, 3)
                       from eq5 in Enumerable.Range(0, 3)
                       select $"{eq1}{eq2}{eq36.Item1}{eq4}{eq5}{eq36.Item2}";
        Assert.Equal(expected.Order(StringComparer.Ordinal), tables.MacroVectorScores.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(10.0, tables.MacroVectorScores["000000"]);
    }

    [Theory]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "000200")]
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L/E:U", "212221")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:L/VI:H/VA:N/SC:N/SI:N/SA:N/E:P/IR:H/MSA:S", "101010")]
    [InlineData("CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:L/IR:L/AR:M/MAV:N", "000201")]
    public void Vector_falls_into_its_equivalence_classes(string vector, string macroVector) =>
        Assert.Equal(macroVector, string.Concat(Cvss4Scorer.MacroVector(Cvss3ScoreTests.Parse(vector))));
}
