using System.Text.RegularExpressions;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.Npm;

/// <summary>
/// npm's ranges as node-semver documents them: <c>||</c> unions, space-separated intersections, hyphen ranges,
/// x-ranges, tilde and caret, with the pre-release rule; the pick is the highest satisfying version.
/// </summary>
public sealed partial class NpmResolver : IVersionResolver
{
    public string Ecosystem => "npm";

    public int? CompareVersions(string left, string right) =>
        SemVersion.Parse(left) is { } a && SemVersion.Parse(right) is { } b ? a.CompareTo(b) : null;

    public (string Name, string Spec)? Target(string name, string? spec, out string? reason)
    {
        reason = null;
        var text = spec?.Trim() ?? "";
        if (text.StartsWith("npm:", StringComparison.Ordinal))
        {
            // An alias installs another package under this name: npm:real-name@range.
            var aliased = text[4..];
            var at = aliased.LastIndexOf('@');
            return at > 0 ? (aliased[..at], aliased[(at + 1)..]) : (aliased, "");
        }
        reason = VersionResolvers.NotARegistryVersion(text)
            ?? (text.StartsWith("workspace:", StringComparison.Ordinal) ? "a workspace package, not a registry version" : null)
            ?? (GitHubShorthand().IsMatch(text) ? "a GitHub repository, not a registry version" : null);
        return reason is null ? (name, text) : null;
    }

    public Resolution Resolve(string spec, IReadOnlyList<string> versions)
    {
        if (DistTag().IsMatch(spec.Trim()) && Parse(spec) is null)
            return Resolution.Unresolvable($"'{spec}' is a dist-tag; the registry's version list does not say which version it points to.");
        var range = Parse(spec);
        if (range is null)
            return Resolution.Unresolvable($"'{spec}' is not a valid npm version range.");
        return range.Highest(versions) is { } version
            ? Resolution.Picked(version)
            : Resolution.Unresolvable($"no listed version satisfies '{spec}'.");
    }

    /// <summary>The range, or null when it is not valid npm range syntax.</summary>
    public static SemVerRange? Parse(string spec)
    {
        var alternatives = new List<IReadOnlyList<Comparator>>();
        foreach (var alternative in spec.Split("||"))
        {
            var text = alternative.Trim();
            var set = new List<Comparator>();
            if (HyphenRange().Match(text) is { Success: true } hyphen)
            {
                if (SemVerRange.PartialVersion.Parse(hyphen.Groups["from"].Value) is not { } from || SemVerRange.PartialVersion.Parse(hyphen.Groups["to"].Value) is not { } to)
                    return null;
                if (from.Major is not null)
                    set.Add(new(">=", from.Floor));
                // An inclusive full upper version; a partial one includes all of it.
                if (to.Major is not null)
                    set.Add(to.Ceiling is { } ceiling ? new("<", ceiling) : new("<=", to.Floor));
                if (set.Count == 0)
                    set.Add(new(">=", new SemVersion(0, 0, 0)));
            }
            else
            {
                foreach (var token in OperatorSpace().Replace(text, "$1").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var match = Primitive().Match(token);
                    if (!match.Success || SemVerRange.PartialVersion.Parse(match.Groups["version"].Value) is not { } partial)
                        return null;
                    var op = match.Groups["op"].Value == "~>" ? "~" : match.Groups["op"].Value;
                    set.AddRange(SemVerRange.Desugar(op, partial));
                }
                if (set.Count == 0)
                    set.Add(new(">=", new SemVersion(0, 0, 0))); // "" and "*" mean any version
            }
            alternatives.Add(set);
        }
        return new SemVerRange(alternatives);
    }

    [GeneratedRegex(@"^(?<from>\S+)\s+-\s+(?<to>\S+)$")]
    private static partial Regex HyphenRange();

    [GeneratedRegex(@"(<=|>=|~>|<|>|=|~|\^)\s+")]
    private static partial Regex OperatorSpace();

    [GeneratedRegex(@"^(?<op><=|>=|~>|<|>|=|~|\^)?(?<version>.+)$")]
    private static partial Regex Primitive();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9._-]*$")]
    private static partial Regex DistTag();

    [GeneratedRegex(@"^(?:github:)?[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:#.*)?$")]
    private static partial Regex GitHubShorthand();
}
