using System.Text.RegularExpressions;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.Crates;

/// <summary>
/// Cargo's version requirements: comma-separated comparators, a bare version meaning a caret requirement, <c>*</c>
/// wildcards; the pick is the highest compatible version, pre-releases only where a comparator names one.
/// </summary>
public sealed partial class CargoResolver : IVersionResolver
{
    public string Ecosystem => "crates";

    public int? CompareVersions(string left, string right) =>
        SemVersion.Parse(left) is { } a && SemVersion.Parse(right) is { } b ? a.CompareTo(b) : null;

    public (string Name, string Spec)? Target(string name, string? spec, out string? reason)
    {
        reason = spec is null ? "no version requirement (a path or git dependency)" : VersionResolvers.NotARegistryVersion(spec);
        return reason is null ? (name, spec!) : null;
    }

    public Resolution Resolve(string spec, IReadOnlyList<string> versions)
    {
        var range = Parse(spec);
        if (range is null)
            return Resolution.Unresolvable($"'{spec}' is not a valid Cargo version requirement.");
        return range.Highest(versions) is { } version
            ? Resolution.Picked(version)
            : Resolution.Unresolvable($"no listed version satisfies '{spec}'.");
    }

    public static SemVerRange? Parse(string spec)
    {
        var set = new List<Comparator>();
        foreach (var part in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            var match = Requirement().Match(part);
            if (!match.Success || SemVerRange.PartialVersion.Parse(match.Groups["version"].Value) is not { } partial)
                return null;
            var op = match.Groups["op"].Value;
            // A bare version is a caret requirement; a wildcard is the x-range it spells.
            if (op.Length == 0)
                op = partial.Major is null || match.Groups["version"].Value.Contains('*') ? "" : "^";
            set.AddRange(SemVerRange.Desugar(op, partial));
        }
        return new SemVerRange([set]);
    }

    [GeneratedRegex(@"^(?<op><=|>=|<|>|=|~|\^)?\s*(?<version>[0-9*][0-9A-Za-z.*+-]*)$")]
    private static partial Regex Requirement();
}
