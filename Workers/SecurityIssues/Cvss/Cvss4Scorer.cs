namespace Cucos.Workers.SecurityIssues.Cvss;

/// <summary>
/// The CVSS v4.0 score (specification §8): the vector falls into a macrovector of six equivalence classes whose
/// score comes from the lookup table; the score is then lowered by the mean, over the classes, of how far the
/// vector lies below the class's highest-severity vector, as a share of the class's depth times the score gap
/// to the next lower macrovector. Threat and environmental metrics take part when the vector has them
/// (CVSS-BT, CVSS-BE, CVSS-BTE); without them the result is CVSS-B.
/// </summary>
public static class Cvss4Scorer
{
    // The severity levels of each metric value in steps of 0.1, 0 the most severe (the calculator's values, so the
    // floating-point sums and hence the rounding match the reference scores exactly).
    private static readonly Dictionary<string, Dictionary<string, double>> Levels = new(StringComparer.Ordinal)
    {
        ["AV"] = new() { ["N"] = 0.0, ["A"] = 0.1, ["L"] = 0.2, ["P"] = 0.3 },
        ["PR"] = new() { ["N"] = 0.0, ["L"] = 0.1, ["H"] = 0.2 },
        ["UI"] = new() { ["N"] = 0.0, ["P"] = 0.1, ["A"] = 0.2 },
        ["AC"] = new() { ["L"] = 0.0, ["H"] = 0.1 },
        ["AT"] = new() { ["N"] = 0.0, ["P"] = 0.1 },
        ["VC"] = new() { ["H"] = 0.0, ["L"] = 0.1, ["N"] = 0.2 },
        ["VI"] = new() { ["H"] = 0.0, ["L"] = 0.1, ["N"] = 0.2 },
        ["VA"] = new() { ["H"] = 0.0, ["L"] = 0.1, ["N"] = 0.2 },
        ["SC"] = new() { ["H"] = 0.1, ["L"] = 0.2, ["N"] = 0.3 },
        ["SI"] = new() { ["S"] = 0.0, ["H"] = 0.1, ["L"] = 0.2, ["N"] = 0.3 },
        ["SA"] = new() { ["S"] = 0.0, ["H"] = 0.1, ["L"] = 0.2, ["N"] = 0.3 },
        ["CR"] = new() { ["H"] = 0.0, ["M"] = 0.1, ["L"] = 0.2 },
        ["IR"] = new() { ["H"] = 0.0, ["M"] = 0.1, ["L"] = 0.2 },
        ["AR"] = new() { ["H"] = 0.0, ["M"] = 0.1, ["L"] = 0.2 },
    };

    private const double Step = 0.1;

    private static readonly string[] ImpactMetrics = ["VC", "VI", "VA", "SC", "SI", "SA"];

    public static double Score(CvssVector vector) => Score(vector, Cvss4Tables.Instance);

    public static double Score(CvssVector vector, Cvss4Tables tables)
    {
        string Value(string metric) => Effective(vector, metric);
        // No impact on the vulnerable system nor on any subsequent one: §8 scores it 0.0 without a macrovector.
        if (ImpactMetrics.All(m => Value(m) == "N"))
            return 0;

        var eq = MacroVector(vector);
        var score = tables.MacroVectorScores[Digits(eq)];

        double LowerScore(params int[] changed) =>
            tables.MacroVectorScores.TryGetValue(Digits(changed), out var lower) ? lower : double.NaN;
        var lowerEq1 = LowerScore(eq[0] + 1, eq[1], eq[2], eq[3], eq[4], eq[5]);
        var lowerEq2 = LowerScore(eq[0], eq[1] + 1, eq[2], eq[3], eq[4], eq[5]);
        // EQ3 and EQ6 form one joint class: from 00 both 01 and 10 lie one step lower (the higher one counts),
        // 01 and 11 go down through EQ3, 10 goes down through EQ6, and 21 is the lowest.
        var lowerEq3Eq6 = (eq[2], eq[5]) switch
        {
            (0, 0) => Higher(LowerScore(eq[0], eq[1], 0, eq[3], eq[4], 1), LowerScore(eq[0], eq[1], 1, eq[3], eq[4], 0)),
            (1, 0) => LowerScore(eq[0], eq[1], 1, eq[3], eq[4], 1),
            _ => LowerScore(eq[0], eq[1], eq[2] + 1, eq[3], eq[4], eq[5]),
        };
        var lowerEq4 = LowerScore(eq[0], eq[1], eq[2], eq[3] + 1, eq[4], eq[5]);
        var lowerEq5 = LowerScore(eq[0], eq[1], eq[2], eq[3], eq[4] + 1, eq[5]);

        var distance = DistancesToHighest(vector, eq, tables);
        var eq1Distance = distance["AV"] + distance["PR"] + distance["UI"];
        var eq2Distance = distance["AC"] + distance["AT"];
        var eq3Eq6Distance = distance["VC"] + distance["VI"] + distance["VA"] + distance["CR"] + distance["IR"] + distance["AR"];
        var eq4Distance = distance["SC"] + distance["SI"] + distance["SA"];

        // A class with no lower macrovector has no gap to interpolate across and stays out of the mean.
        var classes = 0;
        double Proportional(double lower, double severityDistance, double depth)
        {
            if (double.IsNaN(lower))
                return 0;
            classes++;
            return (score - lower) * (severityDistance / depth);
        }
        var sum = Proportional(lowerEq1, eq1Distance, tables.Depth("eq1", eq[0]) * Step)
            + Proportional(lowerEq2, eq2Distance, tables.Depth("eq2", eq[1]) * Step)
            + Proportional(lowerEq3Eq6, eq3Eq6Distance, tables.Depth("eq3eq6", eq[2], eq[5]) * Step)
            + Proportional(lowerEq4, eq4Distance, tables.Depth("eq4", eq[3]) * Step)
            // Exploit maturity has a single value per class, so its severity distance is always zero.
            + Proportional(lowerEq5, 0, 1);
        var mean = classes == 0 ? 0 : sum / classes;
        return Math.Floor((Math.Clamp(score - mean, 0, 10) * 10) + 0.5) / 10;
    }

    /// <summary>The six equivalence-class levels (EQ1 to EQ6) of the vector, as the specification's Table 24 to 29 define them.</summary>
    public static int[] MacroVector(CvssVector vector)
    {
        string Value(string metric) => Effective(vector, metric);
        var (av, pr, ui) = (Value("AV"), Value("PR"), Value("UI"));
        var eq1 = av == "N" && pr == "N" && ui == "N" ? 0
            : (av == "N" || pr == "N" || ui == "N") && av != "P" ? 1
            : 2;
        var eq2 = Value("AC") == "L" && Value("AT") == "N" ? 0 : 1;
        var (vc, vi, va) = (Value("VC"), Value("VI"), Value("VA"));
        var eq3 = vc == "H" && vi == "H" ? 0 : vc == "H" || vi == "H" || va == "H" ? 1 : 2;
        // Only the modified subsequent-system metrics can say Safety (S); the base ones never do.
        var eq4 = vector["MSI"] == "S" || vector["MSA"] == "S" ? 0
            : Value("SC") == "H" || Value("SI") == "H" || Value("SA") == "H" ? 1
            : 2;
        var eq5 = Value("E") switch { "A" => 0, "P" => 1, _ => 2 };
        var eq6 = (Value("CR") == "H" && vc == "H") || (Value("IR") == "H" && vi == "H") || (Value("AR") == "H" && va == "H") ? 0 : 1;
        return [eq1, eq2, eq3, eq4, eq5, eq6];
    }

    /// <summary>
    /// The metric's value for scoring: a modified (environmental) metric replaces its base metric, and a Not Defined
    /// threat or requirement metric counts as its most severe value (E:A, CR/IR/AR:H), as §8 prescribes.
    /// </summary>
    private static string Effective(CvssVector vector, string metric)
    {
        var value = vector[metric];
        if (value == CvssMetrics.NotDefined)
            return metric switch { "E" => "A", "CR" or "IR" or "AR" => "H", _ => value };
        var modified = vector["M" + metric];
        return modified != CvssMetrics.NotDefined ? modified : value;
    }

    // The per-metric distance from the first highest-severity vector of the macrovector that the vector does not
    // exceed in any metric. Should none qualify, the last one tried stands, as in the reference calculator.
    private static Dictionary<string, double> DistancesToHighest(CvssVector vector, int[] eq, Cvss4Tables tables)
    {
        var distance = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var eq1 in tables.HighestVectors("eq1", eq[0]))
            foreach (var eq2 in tables.HighestVectors("eq2", eq[1]))
                foreach (var eq3Eq6 in tables.HighestVectors("eq3", eq[2], eq[5]))
                    foreach (var eq4 in tables.HighestVectors("eq4", eq[3]))
                    {
                        var fits = true;
                        foreach (var part in new[] { eq1, eq2, eq3Eq6, eq4 })
                            foreach (var (metric, highest) in part)
                            {
                                var levels = Levels[metric];
                                distance[metric] = levels[Effective(vector, metric)] - levels[highest];
                                fits &= distance[metric] >= 0;
                            }
                        if (fits)
                            return distance;
                    }
        return distance;
    }

    private static double Higher(double left, double right) => left > right ? left : right;

    private static string Digits(int[] eq) => string.Concat(eq);
}
