using System.Text.RegularExpressions;

namespace Cucos.Workers.RegistryLifecycle;

/// <summary>Turns a <see cref="ReleaseHistory"/> into the analysed version's place in it: pure, no I/O.</summary>
public static partial class LifecycleFigures
{
    /// <summary>Intervals between publications the cadence is the median of: the recent rhythm, not the first years'.</summary>
    public const int CadenceIntervals = 10;

    /// <param name="compare">The ecosystem's version order (null when it has none or either is not its version).</param>
    public static (ReleaseFacts Release, LatestRelease? Latest, ReleaseCadence Releases, MaintainerChange? Maintainers) Compute(
        string ecosystem, ReleaseHistory history, ReleaseEntry analysed, Func<string, string, int?> compare, DateTimeOffset now)
    {
        var release = new ReleaseFacts(analysed.Version, analysed.Published, IsPrerelease(ecosystem, analysed.Version), analysed.Deprecated,
            analysed.DeprecationMessage, analysed.Yanked, analysed.YankedReason, analysed.Listed);
        var available = history.Releases.Where(Available).ToList();
        int Order(ReleaseEntry a, ReleaseEntry b)
        {
            if (compare(a.Version, b.Version) is { } byVersion)
                return byVersion;
            var byTime = Nullable.Compare(a.Published, b.Published);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Version, b.Version);
        }

        // Without a stable release the highest pre-release is the latest there is.
        ReleaseEntry? Highest(List<ReleaseEntry> candidates) => candidates.Count == 0 ? null : candidates.Aggregate((best, next) => Order(next, best) > 0 ? next : best);

        var (latest, source) = history.DeclaredLatest is { } declared && history.Releases.FirstOrDefault(r => r.Version == declared) is { } named
            ? (named, "registry")
            : (Highest(available.Where(r => !IsPrerelease(ecosystem, r.Version)).ToList() is { Count: > 0 } stable ? stable : available), "derived");
        LatestRelease? latestRelease = null;
        if (latest is not null)
        {
            var behind = available.Count(r => r.Version != analysed.Version && Order(r, analysed) > 0 && Order(r, latest) <= 0);
            int? days = analysed.Published is { } at && latest.Published is { } latestAt ? Math.Max(0, (int)(latestAt - at).TotalDays) : null;
            latestRelease = new LatestRelease(latest.Version, latest.Published, source, behind, days, latest.Version == analysed.Version);
        }

        var times = history.Releases.Where(r => r.Published is not null).Select(r => r.Published!.Value).Order().ToList();
        var recent = times.TakeLast(CadenceIntervals + 1).ToList();
        var intervals = recent.Zip(recent.Skip(1), (a, b) => (b - a).TotalDays).Order().ToList();
        double? median = intervals.Count == 0 ? null
            : Math.Round(intervals.Count % 2 == 1 ? intervals[intervals.Count / 2] : (intervals[intervals.Count / 2 - 1] + intervals[intervals.Count / 2]) / 2, 1);
        var cadence = new ReleaseCadence(history.Releases.Count, available.Count, history.Releases.Count(r => r.Yanked), history.Releases.Count(r => r.Deprecated),
            times.Count > 0 ? times[0] : null, times.Count > 0 ? times[^1] : null,
            times.Count > 0 ? times.Count(t => t > now.AddDays(-365) && t <= now) : null, median, intervals.Count);

        MaintainerChange? maintainers = null;
        if (analysed.Maintainers is { } current)
        {
            // The release published last before this one; by version order where no times are published.
            var previous = analysed.Published is { } published
                ? history.Releases.Where(r => r.Published < published).MaxBy(r => r.Published)
                : history.Releases.Where(r => r.Version != analysed.Version && Order(r, analysed) < 0).DefaultIfEmpty().Max(Comparer<ReleaseEntry?>.Create((a, b) =>
                    a is null ? -1 : b is null ? 1 : Order(a, b)));
            var before = previous?.Maintainers;
            var added = before is null ? [] : current.Except(before, StringComparer.OrdinalIgnoreCase).ToList();
            var removed = before is null ? [] : before.Except(current, StringComparer.OrdinalIgnoreCase).ToList();
            maintainers = new MaintainerChange(current, previous?.Version, before, before is null ? null : added.Count + removed.Count > 0, added, removed);
        }
        return (release, latestRelease, cadence, maintainers);
    }

    private static bool Available(ReleaseEntry release) => !release.Yanked && release.Listed != false;

    /// <summary>
    /// A pre-release by the ecosystem's syntax: a '-' suffix (semantic versions: npm, NuGet, crates, Go), PEP 440's
    /// a/b/rc/dev, a letter in a RubyGems version, Maven's SNAPSHOT, alpha, beta, milestone and RC qualifiers.
    /// </summary>
    public static bool IsPrerelease(string ecosystem, string version) => ecosystem switch
    {
        "pypi" => PythonPrerelease().IsMatch(version),
        "rubygems" => version.Any(char.IsAsciiLetter),
        "maven" => MavenPrerelease().IsMatch(version),
        _ => version.Split('+')[0].Contains('-', StringComparison.Ordinal),
    };

    [GeneratedRegex(@"(a|b|c|rc|alpha|beta|pre|preview|dev)[-_.]?\d*", RegexOptions.IgnoreCase)]
    private static partial Regex PythonPrerelease();

    [GeneratedRegex(@"(SNAPSHOT|alpha|beta|[-.]M\d|[-.]?RC\d*|[-.]CR\d*|preview|[-.]ea)", RegexOptions.IgnoreCase)]
    private static partial Regex MavenPrerelease();
}
