using System.Globalization;
using System.Text.Json;

namespace Cucos.Workers.SecurityIssues.Cvss;

/// <summary>
/// The CVSS v4.0 specification data, vendored in <c>Data/cvss-v4-tables.json</c> from FIRST's reference calculator
/// (scripts/update-cvss4-data.sh): the score of every macrovector, the highest-severity vectors of each
/// equivalence class, and each class's depth in severity-distance steps.
/// </summary>
public sealed class Cvss4Tables
{
    private static readonly Lazy<Cvss4Tables> Shared = new(() => Load(typeof(Cvss4Tables).Assembly
        .GetManifestResourceStream("Cucos.Orleans.Workers.SecurityIssues.cvss-v4-tables.json")
        ?? throw new InvalidOperationException("the CVSS v4.0 tables are missing from the Workers assembly; rebuild it.")));

    private Cvss4Tables(
        Dictionary<string, double> macroVectorScores,
        Dictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string>>> highestVectors,
        Dictionary<string, int> depths)
    {
        MacroVectorScores = macroVectorScores;
        this.highestVectors = highestVectors;
        this.depths = depths;
    }

    private readonly Dictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string>>> highestVectors;
    private readonly Dictionary<string, int> depths;

    public static Cvss4Tables Instance => Shared.Value;

    /// <summary>The score of each macrovector, keyed by its six class digits (EQ1 to EQ6, e.g. "000000").</summary>
    public IReadOnlyDictionary<string, double> MacroVectorScores { get; }

    /// <summary>
    /// The highest-severity vectors (as metric values) of one equivalence class: <paramref name="equation"/> is
    /// "eq1", "eq2", "eq4" or "eq5" with its level, or "eq3" with the EQ3 and EQ6 levels as "eq3:0:1".
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> HighestVectors(string equation, int level, int? eq6Level = null) =>
        highestVectors[Key(equation, level, eq6Level)];

    /// <summary>The class's maximal severity distance in steps of 0.1 ("eq3eq6" is keyed by both levels).</summary>
    public int Depth(string equation, int level, int? eq6Level = null) => depths[Key(equation, level, eq6Level)];

    private static string Key(string equation, int level, int? eq6Level) =>
        eq6Level is { } six ? $"{equation}:{level}:{six}" : $"{equation}:{level}";

    public static Cvss4Tables Load(Stream json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var scores = root.GetProperty("lookup").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble(), StringComparer.Ordinal);
        var vectors = new Dictionary<string, IReadOnlyList<IReadOnlyDictionary<string, string>>>(StringComparer.Ordinal);
        foreach (var equation in root.GetProperty("max_composed").EnumerateObject())
            foreach (var level in equation.Value.EnumerateObject())
                if (level.Value.ValueKind == JsonValueKind.Object)
                    foreach (var eq6 in level.Value.EnumerateObject())
                        vectors[$"{equation.Name}:{level.Name}:{eq6.Name}"] = ParseVectors(eq6.Value);
                else
                    vectors[$"{equation.Name}:{level.Name}"] = ParseVectors(level.Value);
        var depths = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var equation in root.GetProperty("max_severity").EnumerateObject())
            foreach (var level in equation.Value.EnumerateObject())
                if (level.Value.ValueKind == JsonValueKind.Object)
                    foreach (var eq6 in level.Value.EnumerateObject())
                        depths[$"{equation.Name}:{level.Name}:{eq6.Name}"] = eq6.Value.GetInt32();
                else
                    depths[$"{equation.Name}:{level.Name}"] = level.Value.GetInt32();
        if (scores.Count != 270)
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"the CVSS v4.0 tables hold {scores.Count} macrovector scores instead of 270; regenerate them with scripts/update-cvss4-data.sh."));
        return new Cvss4Tables(scores, vectors, depths);
    }

    // The calculator writes a highest vector as "AV:N/PR:N/UI:N/", a fragment of metric values.
    private static List<IReadOnlyDictionary<string, string>> ParseVectors(JsonElement fragments) =>
        fragments.EnumerateArray()
            .Select(f => (IReadOnlyDictionary<string, string>)f.GetString()!.Split('/', StringSplitOptions.RemoveEmptyEntries)
                .Select(pair => pair.Split(':'))
                .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal))
            .ToList();
}
