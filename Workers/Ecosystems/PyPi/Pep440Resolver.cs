using System.Numerics;
using System.Text.RegularExpressions;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.PyPi;

/// <summary>A PEP 440 version: epoch, release, pre-, post- and dev-release, local label, with PEP 440's ordering.</summary>
public sealed partial record Pep440Version(int Epoch, BigInteger[] Release, (int Rank, BigInteger Number)? Pre, BigInteger? Post, BigInteger? Dev, string? Local, string Text)
    : IComparable<Pep440Version>
{
    public bool IsPrerelease => Pre is not null || Dev is not null;
    public bool IsPostRelease => Post is not null;

    /// <summary>Parses with PEP 440's normalisation of alternative spellings (<c>1.0-alpha1</c>, <c>1.0c1</c>, <c>1.0-1</c>, <c>v1.0</c>).</summary>
    public static Pep440Version? Parse(string text)
    {
        var match = VersionPattern().Match(text.Trim());
        if (!match.Success)
            return null;
        var g = match.Groups;
        (int, BigInteger)? pre = g["pre_l"].Success
            ? (g["pre_l"].Value.ToLowerInvariant() switch { "a" or "alpha" => 0, "b" or "beta" => 1, _ => 2 }, Number(g["pre_n"]))
            : null;
        BigInteger? post = g["post_n1"].Success ? BigInteger.Parse(g["post_n1"].Value) : g["post_l"].Success ? Number(g["post_n2"]) : null;
        BigInteger? dev = g["dev_l"].Success ? Number(g["dev_n"]) : null;
        return new Pep440Version(g["epoch"].Success ? int.Parse(g["epoch"].Value) : 0,
            [.. g["release"].Value.Split('.').Select(BigInteger.Parse)], pre, post, dev,
            g["local"].Success ? g["local"].Value.ToLowerInvariant().Replace('-', '.').Replace('_', '.') : null, text.Trim());

        static BigInteger Number(Group group) => group.Success ? BigInteger.Parse(group.Value) : 0;
    }

    public Pep440Version Public => this with { Local = null };

    /// <summary>Release segments compared with trailing zeros ignored (1.0 == 1.0.0).</summary>
    public static int CompareRelease(IReadOnlyList<BigInteger> a, IReadOnlyList<BigInteger> b)
    {
        for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            var order = (i < a.Count ? a[i] : 0).CompareTo(i < b.Count ? b[i] : 0);
            if (order != 0)
                return order;
        }
        return 0;
    }

    public int CompareTo(Pep440Version? other)
    {
        if (other is null)
            return 1;
        var order = Epoch.CompareTo(other.Epoch);
        if (order == 0)
            order = CompareRelease(Release, other.Release);
        if (order == 0)
            order = PreKey.CompareTo(other.PreKey);
        if (order == 0)
            order = PostKey.CompareTo(other.PostKey);
        if (order == 0)
            order = DevKey.CompareTo(other.DevKey);
        if (order == 0)
            order = CompareLocal(Local, other.Local);
        return order;
    }

    // A dev release of a final (1.0.dev1) sorts before its pre-releases; a final after them.
    private (int, BigInteger) PreKey => Pre ?? (Post is null && Dev is not null ? (-1, 0) : (3, 0));
    private (int, BigInteger) PostKey => Post is { } p ? (1, p) : (0, 0);
    private (int, BigInteger) DevKey => Dev is { } d ? (0, d) : (1, 0);

    private static int CompareLocal(string? a, string? b)
    {
        if (a is null || b is null)
            return (a is not null).CompareTo(b is not null);
        var (x, y) = (a.Split('.'), b.Split('.'));
        for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
        {
            var (xNumeric, yNumeric) = (BigInteger.TryParse(x[i], out var xn), BigInteger.TryParse(y[i], out var yn));
            var order = (xNumeric, yNumeric) switch
            {
                (true, true) => xn.CompareTo(yn),
                (true, false) => 1, // numeric segments sort after alphanumeric ones
                (false, true) => -1,
                _ => string.CompareOrdinal(x[i], y[i]),
            };
            if (order != 0)
                return order;
        }
        return x.Length.CompareTo(y.Length);
    }

    [GeneratedRegex(@"^v?(?:(?<epoch>\d+)!)?(?<release>\d+(?:\.\d+)*)(?:[-_.]?(?<pre_l>alpha|beta|preview|pre|rc|a|b|c)[-_.]?(?<pre_n>\d+)?)?(?:-(?<post_n1>\d+)|[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>\d+)?)?(?:[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>\d+)?)?(?:\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?$", RegexOptions.IgnoreCase)]
    private static partial Regex VersionPattern();
}

/// <summary>
/// PEP 440 version specifiers (<c>~=</c>, <c>==</c> with <c>.*</c>, <c>!=</c>, ordered comparisons with their
/// exclusive rules, <c>===</c>), Poetry's caret and tilde shorthands, and PEP 440's pre-release policy: pre-releases
/// are excluded unless a specifier names one or nothing else satisfies. The pick is the highest match.
/// </summary>
public sealed partial class Pep440Resolver : IVersionResolver
{
    public string Ecosystem => "pypi";

    public int? CompareVersions(string left, string right) =>
        Pep440Version.Parse(left) is { } a && Pep440Version.Parse(right) is { } b ? a.CompareTo(b) : null;

    public (string Name, string Spec)? Target(string name, string? spec, out string? reason)
    {
        reason = spec is null ? null : VersionResolvers.NotARegistryVersion(spec);
        return reason is null ? (name, spec ?? "") : null;
    }

    public Resolution Resolve(string spec, IReadOnlyList<string> versions)
    {
        var alternatives = spec.Split("||", StringSplitOptions.TrimEntries);
        var sets = alternatives.Select(Parse).ToList();
        if (sets.Any(s => s is null))
            return Resolution.Unresolvable($"'{spec}' is not a valid PEP 440 specifier set.");
        var parsed = versions.Select(Pep440Version.Parse).OfType<Pep440Version>().ToList();
        // Poetry's "||" unions alternatives; each alternative follows PEP 440's rules on its own.
        var best = sets.Select(set => Pick(set!, parsed)).OfType<Pep440Version>().Max();
        return best is null ? Resolution.Unresolvable($"no listed version satisfies '{spec}'.") : Resolution.Picked(best.Text);
    }

    private static Pep440Version? Pick(IReadOnlyList<Specifier> set, IReadOnlyList<Pep440Version> versions)
    {
        var matching = versions.Where(v => set.All(s => s.Matches(v))).ToList();
        var allowPrereleases = set.Any(s => s.Operator != "!=" && s.Version?.IsPrerelease == true);
        return matching.Where(v => allowPrereleases || !v.IsPrerelease).Max() ?? matching.Max();
    }

    private sealed record Specifier(string Operator, string Raw, Pep440Version? Version, bool Prefix)
    {
        public bool Matches(Pep440Version candidate)
        {
            if (Operator == "===")
                return string.Equals(candidate.Text, Raw, StringComparison.OrdinalIgnoreCase);
            var v = Version!;
            // Local labels are ignored except by == and != naming one.
            var c = Operator is "==" or "!=" && v.Local is not null ? candidate : candidate.Public;
            return Operator switch
            {
                "==" => Prefix ? PrefixMatch(c, v) : c.CompareTo(v) == 0,
                "!=" => Prefix ? !PrefixMatch(c, v) : c.CompareTo(v) != 0,
                "~=" => c.CompareTo(v) >= 0 && PrefixMatch(c, v with { Release = v.Release[..^1], Pre = null, Post = null, Dev = null }),
                "<=" => c.CompareTo(v) <= 0,
                ">=" => c.CompareTo(v) >= 0,
                // >V excludes post-releases of V unless V is one; <V excludes pre-releases of V unless V is one.
                ">" => c.CompareTo(v) > 0 && !(c.IsPostRelease && !v.IsPostRelease && SameBase(c, v)),
                "<" => c.CompareTo(v) < 0 && !(c.IsPrerelease && !v.IsPrerelease && c.Epoch == v.Epoch && Pep440Version.CompareRelease(c.Release, v.Release) == 0),
                _ => false,
            };
        }

        private static bool SameBase(Pep440Version c, Pep440Version v) =>
            c.Epoch == v.Epoch && Pep440Version.CompareRelease(c.Release, v.Release) == 0 && c.Pre == v.Pre;

        /// <summary><c>==1.1.*</c>: the candidate's release, zero-padded, starts with the prefix's segments.</summary>
        private static bool PrefixMatch(Pep440Version candidate, Pep440Version prefix)
        {
            if (candidate.Epoch != prefix.Epoch)
                return false;
            for (var i = 0; i < prefix.Release.Length; i++)
                if ((i < candidate.Release.Length ? candidate.Release[i] : 0) != prefix.Release[i])
                    return false;
            return true;
        }
    }

    /// <summary>A comma-separated specifier set (Poetry's spaces and shorthands included), or null when invalid.</summary>
    private static IReadOnlyList<Specifier>? Parse(string spec)
    {
        var result = new List<Specifier>();
        var text = spec.Trim();
        if (text is "" or "*")
            return result;
        foreach (var part in PoetrySeparators().Split(text).Where(p => p.Length > 0))
        {
            var match = SpecifierPattern().Match(part);
            if (!match.Success)
                return null;
            var op = match.Groups["op"].Value;
            var raw = match.Groups["version"].Value;
            if (op == "===")
            {
                result.Add(new Specifier(op, raw, null, false));
                continue;
            }
            var prefix = raw.EndsWith(".*", StringComparison.Ordinal);
            if (Pep440Version.Parse(prefix ? raw[..^2] : raw) is not { } version || (prefix && op is not ("==" or "!=" or "")))
                return null;
            switch (op)
            {
                case "~=" when version.Release.Length < 2:
                    return null; // PEP 440: a compatible-release clause needs at least two release segments
                case "^" or "~":
                    result.AddRange(PoetryBounds(op, version));
                    break;
                case "":
                    // Poetry: a bare version is an exact one, a bare prefix a wildcard.
                    result.Add(new Specifier("==", raw, version, prefix));
                    break;
                default:
                    result.Add(new Specifier(op, raw, version, prefix));
                    break;
            }
        }
        return result;
    }

    /// <summary>Poetry's caret (<c>^1.2</c> = <c>&gt;=1.2,&lt;2.0</c>) and tilde (<c>~1.2</c> = <c>&gt;=1.2,&lt;1.3</c>).</summary>
    private static IEnumerable<Specifier> PoetryBounds(string op, Pep440Version floor)
    {
        yield return new Specifier(">=", floor.Text, floor, false);
        var release = floor.Release;
        int bumpAt;
        if (op == "^")
            bumpAt = Array.FindIndex(release, r => r != 0) is var nonZero and >= 0 ? nonZero : release.Length - 1;
        else
            bumpAt = release.Length == 1 ? 0 : 1;
        var upper = release[..(bumpAt + 1)];
        upper[bumpAt] += 1;
        var ceiling = new Pep440Version(floor.Epoch, upper, null, null, null, null, string.Join('.', upper));
        yield return new Specifier("<", ceiling.Text, ceiling, false);
    }

    [GeneratedRegex(@"\s*,\s*|\s+(?=[<>=!~^])")]
    private static partial Regex PoetrySeparators();

    [GeneratedRegex(@"^(?<op>===|~=|==|!=|<=|>=|<|>|\^|~|)\s*(?<version>\S+)$")]
    private static partial Regex SpecifierPattern();
}
