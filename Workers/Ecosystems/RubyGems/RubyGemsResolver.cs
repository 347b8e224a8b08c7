using System.Numerics;
using System.Text.RegularExpressions;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.RubyGems;

/// <summary>
/// A RubyGems version: segments split at '.' and at letter/digit changes, trailing zero segments (before any
/// letters) not significant, letters making it a pre-release that sorts below the release (1.0.a &lt; 1.0).
/// </summary>
public sealed partial class GemVersion : IComparable<GemVersion>
{
    private readonly List<object> segments;

    private GemVersion(string text, List<object> segments)
    {
        Text = text;
        this.segments = segments;
    }

    public string Text { get; }
    public bool IsPrerelease => segments.Any(s => s is string);

    public static GemVersion? Parse(string text)
    {
        var trimmed = text.Trim();
        if (!VersionPattern().IsMatch(trimmed))
            return null;
        var segments = Segment().Matches(trimmed)
            .Select(m => m.Value.All(char.IsAsciiDigit) ? (object)BigInteger.Parse(m.Value) : m.Value).ToList();
        // Canonical form: zeros before the first letter segment, and at the end, do not count (1.0.0 == 1, 1.0.a == 1.a).
        var firstLetter = segments.FindIndex(s => s is string);
        var release = firstLetter < 0 ? segments : segments[..firstLetter];
        var rest = firstLetter < 0 ? [] : segments[firstLetter..];
        while (release.Count > 1 && release[^1] is BigInteger zero && zero.IsZero)
            release.RemoveAt(release.Count - 1);
        while (rest.Count > 0 && rest[^1] is BigInteger zeroAtEnd && zeroAtEnd.IsZero)
            rest.RemoveAt(rest.Count - 1);
        return new GemVersion(trimmed, [.. release, .. rest]);
    }

    /// <summary>The upper bound of <c>~&gt;</c>: drop letter segments, drop the last segment when there are several, increment the last.</summary>
    public GemVersion Bump()
    {
        var numbers = Segment().Matches(Text).Select(m => m.Value).TakeWhile(s => s.All(char.IsAsciiDigit)).Select(BigInteger.Parse).ToList();
        if (numbers.Count > 1)
            numbers.RemoveAt(numbers.Count - 1);
        numbers[^1] += 1;
        return Parse(string.Join('.', numbers))!;
    }

    public int CompareTo(GemVersion? other)
    {
        if (other is null)
            return 1;
        for (var i = 0; i < Math.Max(segments.Count, other.segments.Count); i++)
        {
            var (a, b) = (i < segments.Count ? segments[i] : BigInteger.Zero, i < other.segments.Count ? other.segments[i] : BigInteger.Zero);
            var order = (a, b) switch
            {
                (BigInteger x, BigInteger y) => x.CompareTo(y),
                (string, BigInteger) => -1, // a letter segment is a pre-release: below any number
                (BigInteger, string) => 1,
                _ => string.CompareOrdinal((string)a, (string)b),
            };
            if (order != 0)
                return Math.Sign(order);
        }
        return 0;
    }

    [GeneratedRegex(@"^[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"[0-9]+|[a-zA-Z]+")]
    private static partial Regex Segment();
}

/// <summary>
/// RubyGems requirements (<c>=</c>, <c>!=</c>, <c>&gt;</c>, <c>&lt;</c>, <c>&gt;=</c>, <c>&lt;=</c>, the pessimistic
/// <c>~&gt;</c>), all of which must hold; pre-releases only when a requirement names one. The pick is the highest.
/// </summary>
public sealed partial class RubyGemsResolver : IVersionResolver
{
    public string Ecosystem => "rubygems";

    public int? CompareVersions(string left, string right) =>
        GemVersion.Parse(left) is { } a && GemVersion.Parse(right) is { } b ? a.CompareTo(b) : null;

    public (string Name, string Spec)? Target(string name, string? spec, out string? reason)
    {
        reason = null;
        return (name, string.IsNullOrWhiteSpace(spec) ? ">= 0" : spec);
    }

    public Resolution Resolve(string spec, IReadOnlyList<string> versions)
    {
        var requirements = new List<(string Op, GemVersion Version)>();
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var match = Requirement().Match(part);
            if (!match.Success || GemVersion.Parse(match.Groups["version"].Value) is not { } version)
                return Resolution.Unresolvable($"'{spec}' is not a valid RubyGems requirement.");
            requirements.Add((match.Groups["op"].Success ? match.Groups["op"].Value : "=", version));
        }
        var allowPrerelease = requirements.Any(r => r.Version.IsPrerelease);
        var best = versions.Select(GemVersion.Parse).OfType<GemVersion>()
            .Where(v => (allowPrerelease || !v.IsPrerelease) && requirements.All(r => Satisfies(v, r.Op, r.Version)))
            .Max();
        return best is null ? Resolution.Unresolvable($"no listed version satisfies '{spec}'.") : Resolution.Picked(best.Text);
    }

    private static bool Satisfies(GemVersion v, string op, GemVersion r) => op switch
    {
        "=" => v.CompareTo(r) == 0,
        "!=" => v.CompareTo(r) != 0,
        ">" => v.CompareTo(r) > 0,
        "<" => v.CompareTo(r) < 0,
        ">=" => v.CompareTo(r) >= 0,
        "<=" => v.CompareTo(r) <= 0,
        _ => v.CompareTo(r) >= 0 && v.CompareTo(r.Bump()) < 0, // ~>
    };

    [GeneratedRegex(@"^(?<op>~>|>=|<=|!=|=|>|<)?\s*(?<version>\S+)$")]
    private static partial Regex Requirement();
}
