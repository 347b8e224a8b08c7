namespace Cucos.Workers.SecurityIssues.Cvss;

/// <summary>
/// The CVSS v3.0 and v3.1 equations (v3.1 specification §7, v3.0 specification §8): base, temporal and
/// environmental scores. The two versions differ in Roundup (v3.1 Appendix A) and in the modified impact of a
/// changed scope.
/// </summary>
public static class Cvss3Scorer
{
    public static double Base(CvssVector vector)
    {
        var changed = vector["S"] == "C";
        var iss = 1 - ((1 - Impact(vector["C"])) * (1 - Impact(vector["I"])) * (1 - Impact(vector["A"])));
        var impact = changed ? (7.52 * (iss - 0.029)) - (3.25 * Math.Pow(iss - 0.02, 15)) : 6.42 * iss;
        var exploitability = 8.22 * AttackVector(vector["AV"]) * AttackComplexity(vector["AC"])
            * PrivilegesRequired(vector["PR"], changed) * UserInteraction(vector["UI"]);
        if (impact <= 0)
            return 0;
        return Roundup(Math.Min((changed ? 1.08 : 1) * (impact + exploitability), 10), vector.Version);
    }

    public static double Temporal(CvssVector vector) =>
        Roundup(WithTemporal(Base(vector), vector), vector.Version);

    public static double Environmental(CvssVector vector)
    {
        string Modified(string metric) => vector["M" + metric] is var value && value != CvssMetrics.NotDefined ? value : vector[metric];
        var changed = Modified("S") == "C";
        var miss = Math.Min(1 - ((1 - (Requirement(vector["CR"]) * Impact(Modified("C"))))
            * (1 - (Requirement(vector["IR"]) * Impact(Modified("I"))))
            * (1 - (Requirement(vector["AR"]) * Impact(Modified("A"))))), 0.915);
        var impact = !changed ? 6.42 * miss
            : vector.Version == "3.0" ? (7.52 * (miss - 0.029)) - (3.25 * Math.Pow(miss - 0.02, 15))
            : (7.52 * (miss - 0.029)) - (3.25 * Math.Pow((miss * 0.9731) - 0.02, 13));
        var exploitability = 8.22 * AttackVector(Modified("AV")) * AttackComplexity(Modified("AC"))
            * PrivilegesRequired(Modified("PR"), changed) * UserInteraction(Modified("UI"));
        if (impact <= 0)
            return 0;
        var modifiedBase = Roundup(Math.Min((changed ? 1.08 : 1) * (impact + exploitability), 10), vector.Version);
        return Roundup(WithTemporal(modifiedBase, vector), vector.Version);
    }

    /// <summary>
    /// The smallest one-decimal number not below the input. v3.0 computes it in floating point, so a product
    /// such as 4.000000000000001 rounds up to 4.1; v3.1 (Appendix A) first rounds to five decimals to avoid that.
    /// </summary>
    public static double Roundup(double value, string version)
    {
        if (version == "3.0")
            return Math.Ceiling(value * 10) / 10;
        var scaled = (long)Math.Round(value * 100_000, MidpointRounding.AwayFromZero);
        return scaled % 10_000 == 0 ? scaled / 100_000.0 : (Math.Floor(scaled / 10_000.0) + 1) / 10.0;
    }

    // Multiplied left to right as the equations write it, so the floating-point product is the specification's.
    private static double WithTemporal(double score, CvssVector vector) =>
        score
        * (vector["E"] switch { "F" => 0.97, "P" => 0.94, "U" => 0.91, _ => 1 })
        * (vector["RL"] switch { "W" => 0.97, "T" => 0.96, "O" => 0.95, _ => 1 })
        * (vector["RC"] switch { "R" => 0.96, "U" => 0.92, _ => 1 });

    private static double Impact(string value) => value switch { "H" => 0.56, "L" => 0.22, _ => 0 };

    private static double AttackVector(string value) => value switch { "N" => 0.85, "A" => 0.62, "L" => 0.55, _ => 0.2 };

    private static double AttackComplexity(string value) => value == "L" ? 0.77 : 0.44;

    // A changed scope raises the weight of required privileges: they matter less when the impact crosses scopes.
    private static double PrivilegesRequired(string value, bool scopeChanged) => value switch
    {
        "N" => 0.85,
        "L" => scopeChanged ? 0.68 : 0.62,
        _ => scopeChanged ? 0.5 : 0.27,
    };

    private static double UserInteraction(string value) => value == "N" ? 0.85 : 0.62;

    private static double Requirement(string value) => value switch { "H" => 1.5, "L" => 0.5, _ => 1 };
}
