using Cucos.Workers.SecurityIssues.Cvss;

namespace Cucos.Tests.SecurityIssues.Cvss;

/// <summary>What the specifications require of a vector string (v3.1 §6, v4.0 §7), and the message for each breach.</summary>
[Trait("Category", "Unit")]
public sealed class CvssVectorTests
{
    [Theory]
    [InlineData("", "is empty")]
    [InlineData("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "does not start with CVSS:3.0, CVSS:3.1 or CVSS:4.0")]
    [InlineData("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", "does not start with CVSS:3.0, CVSS:3.1 or CVSS:4.0")]
    [InlineData("cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "does not start with")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "lacks the base metric A;")]
    [InlineData("CVSS:3.1/AV:N/AC:L/UI:N/S:U/C:H/I:H", "lacks the base metrics PR, A;")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV:L", "gives the metric AV more than once")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/E:X", "gives the metric E more than once")]
    [InlineData("CVSS:3.1/AV:Z/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "gives AV the value 'Z'; AV takes one of N, A, L, P")]
    [InlineData("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "gives AV the value 'X'")]
    [InlineData("CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "gives AV the value 'n'")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AT:N", "has the unknown metric 'AT'")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", "has '' where a metric")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A", "has 'A' where a metric")]
    [InlineData("CVSS:3.1/AV:N:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "has 'AV:N:L' where a metric")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", "lacks the base metric SA;")]
    [InlineData("CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "has AV after AC; CVSS 4.0 metrics must follow the specification's order")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:H/E:A", "has E after CR")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", "gives SI the value 'S'")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "gives UI the value 'R'; UI takes one of N, P, A")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:red", "gives U the value 'red'")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/RL:O", "has the unknown metric 'RL'")]
    public void Malformed_vector_is_refused_with_its_reason(string text, string reason)
    {
        Assert.False(CvssVector.TryParse(text, out var vector, out var error));
        Assert.Null(vector);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.EndsWith(".", error!, StringComparison.Ordinal);
        Assert.Null(Workers.SecurityIssues.Cvss.Cvss.Score(text));
    }

    [Theory]
    // v3.x allows any order (§6); the normalised vector uses Table 15's and leaves Not Defined metrics out.
    [InlineData("CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N/E:X/MAV:L", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:L")]
    [InlineData(" CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/RC:C/E:F ", "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:F/RC:C")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:H/MSI:S/U:Clear", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:H/MSI:S/U:Clear")]
    public void Vector_is_normalised_to_the_specification_s_order(string text, string normalised)
    {
        Assert.True(CvssVector.TryParse(text, out var vector, out var error), error);
        Assert.Equal(normalised, vector!.ToString());
        Assert.Equal(normalised, Workers.SecurityIssues.Cvss.Cvss.Score(text)!.Vector);
    }

    [Fact]
    public void A_not_defined_metric_scores_as_if_absent()
    {
        var plain = Workers.SecurityIssues.Cvss.Cvss.Score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")!;
        var explicitX = Workers.SecurityIssues.Cvss.Cvss.Score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/CR:X/MAV:X")!;
        Assert.Equal(plain, explicitX);
    }

    [Fact]
    public void Long_garbage_is_shortened_in_the_message()
    {
        Assert.False(CvssVector.TryParse("CVSS:3.1/" + new string('Q', 5000), out _, out var error));
        Assert.True(error!.Length < 400, error);
    }
}
