using System.Numerics;
using System.Text.RegularExpressions;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;

namespace Cucos.Workers.Ecosystems.Go;

/// <summary>
/// Go modules: minimal version selection uses exactly the version a <c>require</c> line names; a pseudo-version
/// (a commit) is valid without being listed.
/// </summary>
public sealed partial class GoResolver : IVersionResolver
{
    public string Ecosystem => "go";

    // Module versions are semver with a 'v' (advisories write them without); pseudo-versions are semver pre-releases,
    // so they order between the releases around their commit as the go command orders them.
    public int? CompareVersions(string left, string right) =>
        SemVersion.Parse(left) is { } a && SemVersion.Parse(right) is { } b ? a.CompareTo(b) : null;

    public Resolution Resolve(string spec, IReadOnlyList<string> versions)
    {
        if (versions.Contains(spec, StringComparer.Ordinal))
            return Resolution.Picked(spec);
        return PseudoVersion().IsMatch(spec)
            ? Resolution.Picked(spec)
            : Resolution.Unresolvable($"version '{spec}' is not listed by the module proxy.");
    }

    [GeneratedRegex(@"^v\d+\.\d+\.\d+-(?:[0-9A-Za-z.]+\.)?(?:0\.)?\d{14}-[0-9a-f]{12}(?:\+incompatible)?$")]
    private static partial Regex PseudoVersion();
}
