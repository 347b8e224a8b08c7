using System.Numerics;
using System.Text.RegularExpressions;

namespace Cucos.Workers.Dependencies.Resolvers;

/// <summary>A Semantic Versioning 2.0.0 version with its precedence rules (build metadata does not count).</summary>
public sealed partial record SemVersion(BigInteger Major, BigInteger Minor, BigInteger Patch, IReadOnlyList<string> Prerelease, string Text)
    : IComparable<SemVersion>
{
    public bool IsPrerelease => Prerelease.Count > 0;

    /// <summary>Parses a full version; a leading 'v' or '=' is accepted, as npm's registry clients do.</summary>
    public static SemVersion? Parse(string text)
    {
        var match = VersionPattern().Match(text.Trim());
        if (!match.Success)
            return null;
        var pre = match.Groups["pre"].Success ? match.Groups["pre"].Value.Split('.') : [];
        return new SemVersion(BigInteger.Parse(match.Groups["major"].Value), BigInteger.Parse(match.Groups["minor"].Value),
            BigInteger.Parse(match.Groups["patch"].Value), pre, text.Trim());
    }

    public SemVersion(BigInteger major, BigInteger minor, BigInteger patch, params string[] prerelease)
        : this(major, minor, patch, prerelease, $"{major}.{minor}.{patch}" + (prerelease.Length > 0 ? "-" + string.Join('.', prerelease) : "")) { }

    public bool SameTuple(SemVersion other) => Major == other.Major && Minor == other.Minor && Patch == other.Patch;

    public int CompareTo(SemVersion? other)
    {
        if (other is null)
            return 1;
        var byNumbers = (Major, Minor, Patch).CompareTo((other.Major, other.Minor, other.Patch));
        if (byNumbers != 0)
            return byNumbers;
        // A version without pre-release identifiers ranks above the same version with them.
        if (Prerelease.Count == 0 || other.Prerelease.Count == 0)
            return (Prerelease.Count == 0).CompareTo(other.Prerelease.Count == 0);
        for (var i = 0; i < Math.Min(Prerelease.Count, other.Prerelease.Count); i++)
        {
            var (a, b) = (Prerelease[i], other.Prerelease[i]);
            var (aNumeric, bNumeric) = (BigInteger.TryParse(a, out var an) && a.All(char.IsAsciiDigit), BigInteger.TryParse(b, out var bn) && b.All(char.IsAsciiDigit));
            var order = (aNumeric, bNumeric) switch
            {
                (true, true) => an.CompareTo(bn),
                (true, false) => -1, // numeric identifiers rank below alphanumeric ones
                (false, true) => 1,
                _ => string.CompareOrdinal(a, b),
            };
            if (order != 0)
                return Math.Sign(order);
        }
        return Prerelease.Count.CompareTo(other.Prerelease.Count);
    }

    public static bool operator <(SemVersion a, SemVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(SemVersion a, SemVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(SemVersion a, SemVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(SemVersion a, SemVersion b) => a.CompareTo(b) >= 0;

    [GeneratedRegex(@"^[v=]?\s*(?<major>0|[1-9]\d*)\.(?<minor>0|[1-9]\d*)\.(?<patch>0|[1-9]\d*)(?:-(?<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$")]
    private static partial Regex VersionPattern();
}

/// <summary>One primitive comparison: <c>&gt;=1.2.3</c>, <c>&lt;2.0.0-0</c>...</summary>
public sealed record Comparator(string Operator, SemVersion Version)
{
    public bool Matches(SemVersion candidate) => Operator switch
    {
        "<" => candidate < Version,
        "<=" => candidate <= Version,
        ">" => candidate > Version,
        ">=" => candidate >= Version,
        _ => candidate.CompareTo(Version) == 0,
    };
}

/// <summary>
/// A range as a union of intersections of primitive comparators, the form both npm's node-semver and Cargo's
/// semver crate reduce their syntaxes to, with their common pre-release rule.
/// </summary>
public sealed partial class SemVerRange(IReadOnlyList<IReadOnlyList<Comparator>> alternatives)
{
    public IReadOnlyList<IReadOnlyList<Comparator>> Alternatives { get; } = alternatives;

    /// <summary>
    /// A version matches when it satisfies every comparator of one alternative; a pre-release only when that
    /// alternative has a comparator on the same major.minor.patch that is itself a pre-release (so <c>^1.2.3-beta.2</c>
    /// admits 1.2.3-beta.4 but not 1.2.4-beta.1).
    /// </summary>
    public bool Matches(SemVersion version) => Alternatives.Any(set =>
        set.All(c => c.Matches(version))
        && (!version.IsPrerelease || set.Any(c => c.Version.IsPrerelease && c.Version.SameTuple(version))));

    /// <summary>The highest listed version that matches, the pick of npm (maxSatisfying) and Cargo alike.</summary>
    public string? Highest(IEnumerable<string> versions) => versions
        .Select(SemVersion.Parse).OfType<SemVersion>().Where(Matches).Max()?.Text;

    /// <summary>A partial version as written in ranges: <c>1</c>, <c>1.2</c>, <c>1.x</c>, <c>1.2.*</c>, <c>1.2.3-beta</c>.</summary>
    public sealed record PartialVersion(BigInteger? Major, BigInteger? Minor, BigInteger? Patch, string[] Prerelease)
    {
        public static PartialVersion? Parse(string text)
        {
            var match = PartialPattern().Match(text);
            if (!match.Success)
                return null;
            BigInteger? Part(string name) => match.Groups[name].Success && match.Groups[name].Value is not ("x" or "X" or "*") ? BigInteger.Parse(match.Groups[name].Value) : null;
            var major = Part("major");
            var minor = major is null ? null : Part("minor");
            var patch = minor is null ? null : Part("patch");
            return new PartialVersion(major, minor, patch, patch is not null && match.Groups["pre"].Success ? match.Groups["pre"].Value.Split('.') : []);
        }

        public SemVersion Floor => new(Major ?? 0, Minor ?? 0, Patch ?? 0, Prerelease);

        /// <summary>The exclusive upper bound of the x-range: <c>1.2</c> is below <c>1.3.0-0</c>.</summary>
        public SemVersion? Ceiling => Major is null ? null
            : Minor is null ? new SemVersion(Major.Value + 1, 0, 0, "0")
            : Patch is null ? new SemVersion(Major.Value, Minor.Value + 1, 0, "0")
            : null;
    }

    /// <summary>The comparators of one operator and partial version (the rules npm documents and Cargo shares).</summary>
    public static IEnumerable<Comparator> Desugar(string op, PartialVersion p)
    {
        switch (op)
        {
            case "^":
                yield return new(">=", p.Floor);
                // Caret allows changes that do not modify the left-most non-zero part.
                var caretCeiling = p.Major is null ? null
                    : p.Major != 0 || p.Minor is null ? new SemVersion(p.Major.Value + 1, 0, 0, "0")
                    : p.Minor != 0 || p.Patch is null ? new SemVersion(0, p.Minor.Value + 1, 0, "0")
                    : new SemVersion(0, 0, p.Patch.Value + 1, "0");
                if (caretCeiling is not null)
                    yield return new("<", caretCeiling);
                break;
            case "~":
                yield return new(">=", p.Floor);
                // Tilde allows patch changes when a minor is given, minor changes when not.
                if (p.Major is not null)
                    yield return new("<", p.Minor is null ? new SemVersion(p.Major.Value + 1, 0, 0, "0") : new SemVersion(p.Major.Value, p.Minor.Value + 1, 0, "0"));
                break;
            case "" or "=":
                if (p.Ceiling is { } ceiling)
                {
                    yield return new(">=", p.Floor);
                    yield return new("<", ceiling);
                }
                else if (p.Major is null)
                    yield return new(">=", new SemVersion(0, 0, 0));
                else
                    yield return new("=", p.Floor);
                break;
            case ">":
                // Greater than a partial means past all of it: >1.2 is >=1.3.0.
                if (p.Major is null)
                    yield return new("<", new SemVersion(0, 0, 0, "0"));
                else if (p.Ceiling is { } above)
                    yield return new(">=", new SemVersion(above.Major, above.Minor, above.Patch));
                else
                    yield return new(">", p.Floor);
                break;
            case ">=":
                yield return new(">=", p.Major is null ? new SemVersion(0, 0, 0) : p.Floor);
                break;
            case "<":
                yield return new("<", p.Major is null ? new SemVersion(0, 0, 0, "0") : p.Ceiling is null ? p.Floor : new SemVersion(p.Floor.Major, p.Floor.Minor, p.Floor.Patch, "0"));
                break;
            case "<=":
                if (p.Major is null)
                    yield return new(">=", new SemVersion(0, 0, 0));
                else if (p.Ceiling is { } ceilingIncluded)
                    yield return new("<", ceilingIncluded);
                else
                    yield return new("<=", p.Floor);
                break;
            default:
                throw new FormatException($"unknown operator '{op}'.");
        }
    }

    [GeneratedRegex(@"^[vV]?(?<major>\d+|[xX*])(?:\.(?<minor>\d+|[xX*])(?:\.(?<patch>\d+|[xX*])(?:-(?<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?)?)?$")]
    private static partial Regex PartialPattern();
}
