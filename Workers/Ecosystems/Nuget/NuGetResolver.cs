using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Metadata.Parsers;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;
using NuGet.Versioning;

namespace Cucos.Workers.Ecosystems.Nuget;

/// <summary>
/// NuGet ranges through NuGet's own NuGet.Versioning: the lowest applicable version (NuGet's dependency rule),
/// the highest match of a floating range (<c>1.*</c>), and no pre-release unless the range names one.
/// </summary>
public sealed class NuGetResolver : IVersionResolver
{
    public string Ecosystem => "nuget";

    public int? CompareVersions(string left, string right) =>
        NuGetVersion.TryParse(left, out var a) && NuGetVersion.TryParse(right, out var b) ? VersionComparer.Default.Compare(a, b) : null;

    public (string Name, string Spec)? Target(string name, string? spec, out string? reason)
    {
        reason = null;
        // A dependency without a version accepts any version: NuGet reads that as ">= 0.0.0".
        return (name, string.IsNullOrWhiteSpace(spec) ? "0.0.0" : spec);
    }

    public Resolution Resolve(string spec, IReadOnlyList<string> versions)
    {
        if (!VersionRange.TryParse(spec, allowFloating: true, out var range))
            return Resolution.Unresolvable($"'{spec}' is not a valid NuGet version range.");
        var allowPrerelease = range.MinVersion?.IsPrerelease == true || range.MaxVersion?.IsPrerelease == true || range.Float?.IncludePrerelease == true;
        var candidates = versions.Select(v => NuGetVersion.TryParse(v, out var parsed) ? parsed : null).OfType<NuGetVersion>()
            .Where(v => allowPrerelease || !v.IsPrerelease);
        return range.FindBestMatch(candidates) is { } best && range.Satisfies(best)
            ? Resolution.Picked(best.OriginalVersion ?? best.ToNormalizedString())
            : Resolution.Unresolvable($"no listed version satisfies '{spec}'.");
    }
}
