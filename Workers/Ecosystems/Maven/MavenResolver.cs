using System.Numerics;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.Maven;

/// <summary>
/// A Maven version ordered by the POM reference's "Version Order Specification": tokens split at '.', '-' and
/// digit/letter transitions (a transition counts as '-'), trailing null tokens (0, "", final, ga) trimmed at each
/// hyphen, qualifiers ordered alpha &lt; beta &lt; milestone &lt; rc = cr &lt; snapshot &lt; "" = final = ga = release &lt; sp,
/// then others alphabetically; and ".qualifier" = "-qualifier" &lt; "-number" &lt; ".number".
/// </summary>
public sealed class MavenVersion : IComparable<MavenVersion>
{
    private abstract record Item;
    private sealed record Number(BigInteger Value) : Item;
    private sealed record Qualifier(string Value) : Item;
    private sealed record Sublist(List<Item> Items) : Item; // what follows a '-'

    private static readonly string[] KnownQualifiers = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
    private readonly List<Item> items;

    public MavenVersion(string text)
    {
        Text = text;
        items = Parse(text.Trim().ToLowerInvariant());
    }

    public string Text { get; }

    private static List<Item> Parse(string text)
    {
        var root = new List<Item>();
        var current = root;
        var token = new System.Text.StringBuilder();
        var separator = '.';
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : '\0';
            var transition = token.Length > 0 && c != '\0' && c != '.' && c != '-' && char.IsAsciiDigit(c) != char.IsAsciiDigit(token[^1]);
            if (c is '.' or '-' or '\0' || transition)
            {
                Add(token.ToString(), nextIsDigit: char.IsAsciiDigit(c));
                token.Clear();
                if (c == '-' || transition)
                {
                    var sub = new List<Item>();
                    current.Add(new Sublist(sub));
                    current = sub;
                }
                separator = c == '.' ? '.' : '-';
                if (!transition)
                    continue;
            }
            token.Append(c);
        }
        Trim(root);
        return root;

        void Add(string raw, bool nextIsDigit)
        {
            if (raw.Length == 0)
            {
                current.Add(new Number(0)); // empty tokens count as 0
                return;
            }
            if (raw.All(char.IsAsciiDigit))
            {
                current.Add(new Number(BigInteger.Parse(raw)));
                return;
            }
            // "a1", "b2", "m3": the short forms when a number follows directly.
            var name = (raw, nextIsDigit) switch
            {
                ("a", true) => "alpha",
                ("b", true) => "beta",
                ("m", true) => "milestone",
                ("cr", _) => "rc",
                ("final" or "ga" or "release", _) => "",
                _ => raw,
            };
            // A qualifier after '.' orders as one after '-'.
            if (separator == '.' && current.Count > 0)
            {
                var sub = new List<Item>();
                current.Add(new Sublist(sub));
                current = sub;
            }
            current.Add(new Qualifier(name));
        }
    }

    /// <summary>Removes trailing null items, looking past nested lists, at every level.</summary>
    private static void Trim(List<Item> list)
    {
        foreach (var sub in list.OfType<Sublist>())
        {
            Trim(sub.Items);
            // "1-ga-1": once the null "ga" is gone its hyphen and the next one are one separator, as in "1-1".
            if (sub.Items is [Sublist only])
            {
                sub.Items.Clear();
                sub.Items.AddRange(only.Items);
            }
        }
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (IsNull(list[i]))
                list.RemoveAt(i);
            else if (list[i] is not Sublist)
                break;
        }
    }

    private static bool IsNull(Item item) => item switch
    {
        Number n => n.Value.IsZero,
        Qualifier q => q.Value.Length == 0,
        Sublist s => s.Items.Count == 0,
        _ => false,
    };

    public int CompareTo(MavenVersion? other) => other is null ? 1 : Compare(items, other.items);

    private static int Compare(List<Item> a, List<Item> b)
    {
        for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            var order = Compare(i < a.Count ? a[i] : null, i < b.Count ? b[i] : null);
            if (order != 0)
                return order;
        }
        return 0;
    }

    // null stands for padding: the shorter version is padded with null items.
    private static int Compare(Item? a, Item? b) => (a, b) switch
    {
        (null, null) => 0,
        (null, _) => -Compare(b, a),
        (Number x, null) => x.Value.IsZero ? 0 : 1,
        (Qualifier x, null) => Rank(x.Value).CompareTo(Rank("")),
        (Sublist x, null) => x.Items.Count == 0 ? 0 : Compare(x.Items[0], null),
        (Number x, Number y) => x.Value.CompareTo(y.Value),
        (Number, _) => 1,          // ".number" is above "-anything" and any qualifier
        (Qualifier, Number) => -1,
        (Qualifier x, Qualifier y) => CompareQualifiers(x.Value, y.Value),
        (Qualifier, Sublist) => -1,
        (Sublist, Number) => -1,
        (Sublist, Qualifier) => 1,
        (Sublist x, Sublist y) => Compare(x.Items, y.Items),
        _ => 0,
    };

    private static int Rank(string qualifier) => Array.IndexOf(KnownQualifiers, qualifier) is var known and >= 0 ? known : KnownQualifiers.Length;

    private static int CompareQualifiers(string x, string y)
    {
        var order = Rank(x).CompareTo(Rank(y));
        return order != 0 || Rank(x) < KnownQualifiers.Length ? order : string.CompareOrdinal(x, y);
    }
}

/// <summary>
/// Maven dependency versions: a plain version is a soft requirement (Maven uses it as declared); a range
/// (<c>[1.0,2.0)</c>, <c>(,1.0]</c>, <c>[1.5,)</c>, <c>[1.0]</c>, unions like <c>(,1.0],[1.2,)</c>) picks the highest
/// listed version inside it.
/// </summary>
public sealed class MavenResolver : IVersionResolver
{
    public string Ecosystem => "maven";

    // Maven orders any text (unknown qualifiers sort alphabetically); only an empty version is not one.
    public int? CompareVersions(string left, string right) =>
        string.IsNullOrWhiteSpace(left) || string.IsNullOrWhiteSpace(right) ? null : new MavenVersion(left).CompareTo(new MavenVersion(right));

    public (string Name, string Spec)? Target(string name, string? spec, out string? reason)
    {
        reason = spec is null ? "no version declared (managed outside the package, e.g. by an imported BOM)"
            : spec.Contains("${", StringComparison.Ordinal) ? $"'{spec}' refers to a property not defined in the package"
            : null;
        return reason is null ? (name, spec!) : null;
    }

    public Resolution Resolve(string spec, IReadOnlyList<string> versions)
    {
        var text = spec.Trim();
        if (!text.StartsWith('[') && !text.StartsWith('('))
        {
            var wanted = new MavenVersion(text);
            return versions.FirstOrDefault(v => new MavenVersion(v).CompareTo(wanted) == 0) is { } listed
                ? Resolution.Picked(listed)
                : Resolution.Unresolvable($"version '{text}' (a soft requirement, used as declared) is not listed by the registry.");
        }
        var ranges = ParseRanges(text);
        if (ranges is null)
            return Resolution.Unresolvable($"'{spec}' is not a valid Maven version range.");
        var best = versions.Select(v => new MavenVersion(v)).Where(v => ranges.Any(r => r.Contains(v))).Max();
        return best is null ? Resolution.Unresolvable($"no listed version is in '{spec}'.") : Resolution.Picked(best.Text);
    }

    private sealed record Range(MavenVersion? Lower, bool LowerInclusive, MavenVersion? Upper, bool UpperInclusive)
    {
        public bool Contains(MavenVersion v) =>
            (Lower is null || (LowerInclusive ? v.CompareTo(Lower) >= 0 : v.CompareTo(Lower) > 0))
            && (Upper is null || (UpperInclusive ? v.CompareTo(Upper) <= 0 : v.CompareTo(Upper) < 0));
    }

    private static List<Range>? ParseRanges(string text)
    {
        var ranges = new List<Range>();
        var at = 0;
        while (at < text.Length)
        {
            if (text[at] is ',' or ' ')
            {
                at++;
                continue;
            }
            if (text[at] is not ('[' or '('))
                return null;
            var close = text.IndexOfAny([']', ')'], at);
            if (close < 0)
                return null;
            var body = text[(at + 1)..close];
            var (lowerInclusive, upperInclusive) = (text[at] == '[', text[close] == ']');
            var comma = body.IndexOf(',');
            if (comma < 0)
            {
                // [1.0] is exactly 1.0; (1.0) means nothing.
                if (!lowerInclusive || !upperInclusive || body.Trim().Length == 0)
                    return null;
                var exact = new MavenVersion(body.Trim());
                ranges.Add(new Range(exact, true, exact, true));
            }
            else
            {
                var (lower, upper) = (body[..comma].Trim(), body[(comma + 1)..].Trim());
                ranges.Add(new Range(lower.Length == 0 ? null : new MavenVersion(lower), lowerInclusive, upper.Length == 0 ? null : new MavenVersion(upper), upperInclusive));
            }
            at = close + 1;
        }
        return ranges.Count == 0 ? null : ranges;
    }
}
