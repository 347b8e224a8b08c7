using Cucos.Workers.SecurityIssues.Cvss;

namespace Cucos.Tests.SecurityIssues.Cvss;

/// <summary>CVSS v3.0 and v3.1 scores against the specification's equations and FIRST's published examples.</summary>
[Trait("Category", "Unit")]
public sealed class Cvss3ScoreTests
{
    // The CVSS v3.1 Examples document (FIRST): each vulnerability with its published base vector and score.
    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1)] // CVE-2013-1937 phpMyAdmin reflected XSS
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4)] // CVE-2013-0375 MySQL stored SQL injection
    [InlineData("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1)] // CVE-2014-3566 SSLv3 POODLE
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9)] // CVE-2012-1516 VMware guest to host escape
    [InlineData("CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L", 4.2)] // CVE-2009-0783 Apache Tomcat XML parser
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8)] // CVE-2012-0384 Cisco IOS command injection
    [InlineData("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8)] // CVE-2015-1098 Apple iWork denial of service
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5)] // CVE-2014-0160 OpenSSL Heartbleed
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)] // CVE-2014-6271 GNU Bash Shellshock
    [InlineData("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N", 6.8)] // CVE-2008-1447 DNS Kaminsky bug
    [InlineData("CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 6.8)] // CVE-2014-2005 Sophos login screen bypass
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N", 5.8)] // CVE-2010-0467 Joomla directory traversal
    [InlineData("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H", 9.3)] // CVE-2013-6014 Juniper proxy ARP
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8)] // CVE-2015-0970 SearchBlox CSRF
    [InlineData("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N", 7.4)] // CVE-2014-0224 OpenSSL CCS injection
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6)] // CVE-2012-5376 Chrome IPC sandbox escape
    [InlineData("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.8)] // CVE-2011-1265 Windows Bluetooth stack
    [InlineData("CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 4.6)] // CVE-2014-2019 iOS iCloud account removal
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0)] // no impact at all
    [InlineData("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)] // the same Shellshock vector in v3.0
    [InlineData("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1)]
    public void Base_score_is_the_published_one(string vector, double expected) =>
        Assert.Equal(expected, Workers.SecurityIssues.Cvss.Cvss.Score(vector)!.BaseScore);

    // FIRST's v3.1 calculator for the same vector: base 6.1, temporal 5.6, environmental 5.6.
    [Fact]
    public void Temporal_and_environmental_scores_follow_the_base()
    {
        var temporal = Workers.SecurityIssues.Cvss.Cvss.Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N/E:P/RL:W/RC:C")!;
        Assert.Equal((6.1, 5.6, "temporal"), (temporal.BaseScore, temporal.Score, temporal.ScoreKind));
        var environmental = Parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N/E:P/RL:W/RC:C/CR:M");
        Assert.Equal(5.6, Cvss3Scorer.Environmental(environmental));
        Assert.Equal("environmental", Workers.SecurityIssues.Cvss.Cvss.Score(environmental).ScoreKind);
    }

    [Theory]
    [InlineData(4.02, "3.1", 4.1)]
    [InlineData(4.0, "3.1", 4.0)]
    [InlineData(4.000000000000001, "3.1", 4.0)] // Appendix A: a floating-point error must not raise the score
    [InlineData(4.000000000000001, "3.0", 4.1)] // v3.0's plain ceiling does, which is why v3.1 changed it
    [InlineData(0.30000000000000004, "3.1", 0.3)]
    [InlineData(4.02, "3.0", 4.1)]
    public void Roundup_is_the_specification_s(double input, string version, double expected) =>
        Assert.Equal(expected, Cvss3Scorer.Roundup(input, version));

    [Fact]
    public void Versions_3_0_and_3_1_differ_in_the_modified_impact_of_a_changed_scope()
    {
        // v3.1 §7.3 rewrote ModifiedImpact for MS:C (MISS × 0.9731, power 13); v3.0 kept the base formula, so in
        // v3.0 MS:C scores what S:C does (9.9) while v3.1 gives 10.0 (MISS 0.9148: 6.128 + 3.110, × 1.08 = 9.977).
        const string Metrics = "AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H/MS:C";
        Assert.Equal(9.9, Cvss3Scorer.Base(Parse("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H")));
        Assert.Equal(9.9, Cvss3Scorer.Environmental(Parse("CVSS:3.0/" + Metrics)));
        Assert.Equal(10.0, Cvss3Scorer.Environmental(Parse("CVSS:3.1/" + Metrics)));
    }

    // Every metric's values from the most to the least severe (scope: unchanged is the lower one).
    public static TheoryData<string, string[]> SeverityOrders() => new()
    {
        { "AV", ["N", "A", "L", "P"] },
        { "AC", ["L", "H"] },
        { "PR", ["N", "L", "H"] },
        { "UI", ["N", "R"] },
        { "S", ["C", "U"] },
        { "C", ["H", "L", "N"] },
        { "I", ["H", "L", "N"] },
        { "A", ["H", "L", "N"] },
    };

    [Theory]
    [MemberData(nameof(SeverityOrders))]
    public void A_less_severe_base_value_never_raises_the_base_score(string metric, string[] order)
    {
        foreach (var vector in AllBaseVectors("3.1"))
        {
            var scores = order.Select(value => Cvss3Scorer.Base(Parse(WithMetric(vector, metric, value)))).ToArray();
            for (var i = 1; i < scores.Length; i++)
                Assert.True(scores[i] <= scores[i - 1], $"{metric}:{order[i]} scores {scores[i]} above {metric}:{order[i - 1]} ({scores[i - 1]}) in {vector}");
        }
    }

    [Theory]
    [MemberData(nameof(SeverityOrders))]
    public void A_less_severe_base_value_lowers_a_typical_score(string metric, string[] order)
    {
        const string Typical = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
        // A changed scope only matters where the impact is not already capped at 10; PR:L shows it.
        var vector = metric == "S" ? WithMetric(Typical, "PR", "L") : Typical;
        var scores = order.Select(value => Cvss3Scorer.Base(Parse(WithMetric(vector, metric, value)))).ToArray();
        Assert.True(scores.Zip(scores.Skip(1)).All(pair => pair.Second < pair.First), $"{metric} over {string.Join(", ", order)}: {string.Join(", ", scores)}");
    }

    [Theory]
    [InlineData("E", new[] { "H", "F", "P", "U" })]
    [InlineData("RL", new[] { "U", "W", "T", "O" })]
    [InlineData("RC", new[] { "C", "R", "U" })]
    public void A_less_severe_temporal_value_lowers_the_temporal_score(string metric, string[] order)
    {
        var scores = order.Select(value => Cvss3Scorer.Temporal(Parse($"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/{metric}:{value}"))).ToArray();
        Assert.Equal(9.8, scores[0]);
        Assert.True(scores.Zip(scores.Skip(1)).All(pair => pair.Second < pair.First), $"{metric}: {string.Join(", ", scores)}");
    }

    [Theory]
    [InlineData("CR", new[] { "H", "M", "L" }, "C:H/I:N/A:N")]
    [InlineData("IR", new[] { "H", "M", "L" }, "C:N/I:H/A:N")]
    [InlineData("AR", new[] { "H", "M", "L" }, "C:N/I:N/A:H")]
    [InlineData("MAV", new[] { "N", "A", "L", "P" }, "C:H/I:H/A:H")]
    [InlineData("MAC", new[] { "L", "H" }, "C:H/I:H/A:H")]
    [InlineData("MPR", new[] { "N", "L", "H" }, "C:H/I:H/A:H")]
    [InlineData("MUI", new[] { "N", "R" }, "C:H/I:H/A:H")]
    [InlineData("MC", new[] { "H", "L", "N" }, "C:H/I:H/A:H")]
    [InlineData("MI", new[] { "H", "L", "N" }, "C:H/I:H/A:H")]
    [InlineData("MA", new[] { "H", "L", "N" }, "C:H/I:H/A:H")]
    public void A_less_severe_environmental_value_lowers_the_environmental_score(string metric, string[] order, string impact)
    {
        var scores = order.Select(value => Cvss3Scorer.Environmental(Parse($"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/{impact}/{metric}:{value}"))).ToArray();
        Assert.True(scores.Zip(scores.Skip(1)).All(pair => pair.Second < pair.First), $"{metric}: {string.Join(", ", scores)}");
    }

    [Fact]
    public void A_modified_scope_changed_raises_the_environmental_score()
    {
        const string Vector = "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H";
        Assert.True(Cvss3Scorer.Environmental(Parse(Vector + "/MS:C")) > Cvss3Scorer.Environmental(Parse(Vector + "/MS:U")));
        Assert.Equal(Cvss3Scorer.Base(Parse(Vector)), Cvss3Scorer.Environmental(Parse(Vector + "/MS:U")));
    }

    [Theory]
    [InlineData(0.0, "none")]
    [InlineData(0.1, "low")]
    [InlineData(3.9, "low")]
    [InlineData(4.0, "medium")]
    [InlineData(6.9, "medium")]
    [InlineData(7.0, "high")]
    [InlineData(8.9, "high")]
    [InlineData(9.0, "critical")]
    [InlineData(10.0, "critical")]
    public void Rating_follows_the_qualitative_scale(double score, string rating) =>
        Assert.Equal(rating, Workers.SecurityIssues.Cvss.Cvss.Rating(score));

    internal static CvssVector Parse(string text) =>
        CvssVector.TryParse(text, out var vector, out var error) ? vector! : throw new ArgumentException(error);

    private static string WithMetric(string vector, string metric, string value) =>
        string.Join('/', vector.Split('/').Select(part => part.StartsWith(metric + ":", StringComparison.Ordinal) ? metric + ":" + value : part));

    private static IEnumerable<string> AllBaseVectors(string version)
    {
        IEnumerable<string> vectors = ["CVSS:" + version];
        foreach (var metric in CvssMetrics.For(version).Where(m => m.Base))
            vectors = vectors.SelectMany(prefix => metric.Values.Select(value => $"{prefix}/{metric.Key}:{value}")).ToList();
        return vectors;
    }
}
