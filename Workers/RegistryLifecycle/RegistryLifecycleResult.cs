using System.ComponentModel;
using Cucos.Sdk;

namespace Cucos.Workers.RegistryLifecycle;

[TaskResultPart(RegistryLifecycleTask.TaskName, ResultPart.Summary)]
public sealed record RegistryLifecycleSummary(
    [property: Description("read: the registry's documents were read; not_found: the registry no longer has the package or version; skipped: no registry to ask (a local path or archive, an ecosystem without a lifecycle reader; reason says which)")] string Status,
    [property: Description("why there is no lifecycle; null when read")] string? Reason,
    [property: Description("the latest version: the registry's own word when it has one, else the highest stable release not yanked or unlisted")] string? LatestVersion,
    [property: Description("releases after the analysed version up to the latest (not yanked or unlisted); 0 when it is the latest")] int? VersionsBehind,
    [property: Description("days between the analysed version's and the latest's publication; null when either time is not published")] int? DaysBehind,
    bool? Deprecated,
    bool? Yanked,
    [property: Description("true when the registry hides the version from listings (NuGet's listed: false); null where the registry has no such flag")] bool? Unlisted,
    [property: Description("when the analysed version was published")] DateTimeOffset? Published,
    [property: Description("releases the registry lists")] int? Versions,
    [property: Description("median days between consecutive releases over the last intervals (details.releases.intervals_considered)")] double? MedianDaysBetweenReleases,
    [property: Description("whether the maintainers of the analysed version differ from those of the release before it; null when the registry names none")] bool? MaintainersChanged);

[TaskResultPart(RegistryLifecycleTask.TaskName, ResultPart.Details)]
[Description("Where the analysed version stands in its package's release history, from the registry's own documents (the registry init fetched from): the latest version and how far behind it is, deprecated, yanked and unlisted flags with the registry's message, publication times, release cadence, and its maintainers against the previous release's.")]
public sealed record RegistryLifecycleDetails(
    string? Ecosystem,
    string? Name,
    string? Version,
    [property: Description("the registry asked, as the ecosystem names it (no credentials)")] string? Registry,
    [property: Description("the analysed version's own entry; null when skipped or not found")] ReleaseFacts? Release,
    LatestRelease? Latest,
    ReleaseCadence? Releases,
    MaintainerChange? Maintainers,
    [property: Description("lifecycle facts this registry's documents do not give, so they are null here")] IReadOnlyList<string> NotAvailable);

public sealed record ReleaseFacts(
    string Version,
    DateTimeOffset? Published,
    [property: Description("a pre-release by the ecosystem's version syntax")] bool Prerelease,
    bool Deprecated,
    [property: Description("the registry's deprecation message (NuGet: its reasons and message)")] string? DeprecationMessage,
    bool Yanked,
    [property: Description("the registry's reason for the yank, when it gives one")] string? YankedReason,
    [property: Description("null where the registry has no listed flag")] bool? Listed);

public sealed record LatestRelease(
    string Version,
    DateTimeOffset? Published,
    [property: Description("registry: the registry names it (dist-tags.latest, info.version, max_stable_version, release, @latest); derived: the highest stable release not yanked or unlisted")] string Source,
    [property: Description("releases after the analysed version up to the latest, by the ecosystem's version order (publication order where it has none), not counting yanked or unlisted ones")] int VersionsBehind,
    int? DaysBehind,
    [property: Description("the analysed version is the latest")] bool IsLatest);

public sealed record ReleaseCadence(
    int Count,
    [property: Description("releases neither yanked nor unlisted")] int Available,
    int Yanked,
    int Deprecated,
    DateTimeOffset? FirstPublished,
    DateTimeOffset? LastPublished,
    [property: Description("releases published in the 365 days before the analysis")] int? LastYear,
    [property: Description("median days between consecutive publications over the last intervals_considered intervals")] double? MedianDaysBetweenReleases,
    int IntervalsConsidered);

public sealed record MaintainerChange(
    [property: Description("who maintains (npm: maintainers; PyPI: author and maintainer; NuGet and RubyGems: authors; crates: the publisher) the analysed version")] IReadOnlyList<string> Current,
    [property: Description("the release published just before the analysed one")] string? PreviousVersion,
    IReadOnlyList<string>? Previous,
    bool? Changed,
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Removed);
