using System.Text;
using System.Text.Json;

namespace Cucos.Workers.SupplyChain;

/// <summary>A name that imitates a popular one: which, how, and how sure.</summary>
public sealed record TyposquatMatch(string Popular, string How, string Severity);

/// <summary>
/// The package name against the popular names of its ecosystem (<c>Data/popular-packages.json</c>, rebuilt by
/// <c>scripts/update-popular-packages.py</c>): separators dropped or changed, look-alike characters, a scope put in
/// front of a popular name, one edit or transposition (names of five characters or more), two edits (ten or more).
/// A popular name itself is never a typosquat.
/// </summary>
public sealed class Typosquats
{
    private static readonly Lazy<Typosquats> Shared = new(() =>
    {
        using var stream = typeof(Typosquats).Assembly.GetManifestResourceStream("Cucos.Orleans.Workers.SupplyChain.popular-packages.json")
            ?? throw new InvalidOperationException("the popular-packages.json resource is missing from the workers assembly.");
        using var document = JsonDocument.Parse(stream);
        var lists = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var ecosystem in document.RootElement.GetProperty("ecosystems").EnumerateObject())
            lists[ecosystem.Name] = [.. ecosystem.Value.EnumerateArray().Select(n => n.GetString()!)];
        return new Typosquats(lists);
    });

    public static Typosquats Instance => Shared.Value;

    private readonly Dictionary<string, string[]> popular;
    private readonly Dictionary<string, HashSet<string>> exact;

    public Typosquats(IReadOnlyDictionary<string, string[]> popularByEcosystem)
    {
        popular = popularByEcosystem.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        exact = popular.ToDictionary(p => p.Key, p => p.Value.Select(n => Normal(p.Key, n)).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> Ecosystems => popular.Keys;

    /// <summary>The popular name <paramref name="name"/> imitates, or null.</summary>
    public TyposquatMatch? Check(string ecosystem, string name)
    {
        if (!popular.TryGetValue(ecosystem, out var names) || string.IsNullOrWhiteSpace(name))
            return null;
        var normal = Normal(ecosystem, name);
        if (exact[ecosystem].Contains(normal))
            return null;
        var bare = normal;
        if (normal.StartsWith('@') && normal.IndexOf('/') is var slash and > 0)
        {
            bare = normal[(slash + 1)..];
            var scope = normal[1..slash];
            if (scope is not ("types" or "typescript-eslint") && exact[ecosystem].Contains(bare) && bare.Length >= 4)
                return new TyposquatMatch(bare, $"the popular name '{bare}' under the scope @{scope}", Severity.Low);
        }
        var squashed = Squash(bare);
        var lookalike = Lookalike(squashed);
        TyposquatMatch? best = null;
        foreach (var candidate in names)
        {
            var other = Normal(ecosystem, candidate);
            if (other.StartsWith('@') || other.Length < 4)
                continue;
            var otherSquashed = Squash(other);
            if (otherSquashed == squashed)
                return new TyposquatMatch(candidate, $"'{candidate}' with its separators changed", Severity.High);
            if (Lookalike(otherSquashed) == lookalike)
                return new TyposquatMatch(candidate, $"'{candidate}' with look-alike characters", Severity.High);
            if (best is null && Math.Abs(other.Length - bare.Length) <= 2)
            {
                var distance = Distance(bare, other, 2);
                if (distance == 1 && other.Length >= 5)
                    best = new TyposquatMatch(candidate, $"'{candidate}' with one character changed, added, dropped or swapped", Severity.Medium);
                else if (distance == 2 && other.Length >= 10)
                    best = new TyposquatMatch(candidate, $"'{candidate}' with two characters changed", Severity.Low);
            }
        }
        return best;
    }

    private static string Normal(string ecosystem, string name)
    {
        var lower = name.Trim().ToLowerInvariant();
        // PyPI treats runs of '-', '_' and '.' as one '-' (PEP 503).
        return ecosystem == "pypi" ? string.Join('-', lower.Split(['-', '_', '.'], StringSplitOptions.RemoveEmptyEntries)) : lower;
    }

    private static string Squash(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
            if (c is not ('-' or '_' or '.'))
                builder.Append(c);
        return builder.ToString();
    }

    private static string Lookalike(string name) =>
        name.Replace("rn", "m", StringComparison.Ordinal).Replace("vv", "w", StringComparison.Ordinal)
            .Replace('0', 'o').Replace('1', 'l').Replace('i', 'l').Replace('5', 's').Replace('3', 'e');

    /// <summary>Optimal string alignment distance (edits and adjacent transpositions), cut off above <paramref name="max"/>.</summary>
    public static int Distance(string a, string b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max)
            return max + 1;
        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    value = Math.Min(value, previous2[j - 2] + 1);
                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }
            if (rowMin > max)
                return max + 1;
            (previous2, previous, current) = (previous, current, previous2);
        }
        return previous[b.Length];
    }
}
