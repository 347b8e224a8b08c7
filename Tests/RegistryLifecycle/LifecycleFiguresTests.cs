using System.Text.Json;
using Cucos.Workers.Ecosystems.Npm;
using Cucos.Workers.RegistryLifecycle;

namespace Cucos.Tests.RegistryLifecycle;

/// <summary>The registry documents' edge cases and the figures computed from a release history, without I/O.</summary>
[Trait("Category", "Unit")]
public sealed class LifecycleFiguresTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly NpmResolver Semver = new();

    private static int? Compare(string a, string b) => Semver.CompareVersions(a, b);

    private static ReleaseHistory History(string? declared, params ReleaseEntry[] releases) => new("test registry", releases, declared, []);

    [Fact]
    public void Without_a_declared_latest_the_highest_stable_available_release_is_the_latest()
    {
        var history = History(null,
            new ReleaseEntry("1.10.0", Start.AddDays(30)),
            new ReleaseEntry("1.9.0", Start.AddDays(20)),
            new ReleaseEntry("2.0.0", Start.AddDays(40), Yanked: true),
            new ReleaseEntry("3.0.0-rc.1", Start.AddDays(50)),
            new ReleaseEntry("1.2.0", Start));

        var (_, latest, _, _) = LifecycleFigures.Compute("npm", history, history.Releases[^1], Compare, Start.AddDays(60));

        Assert.Equal(("1.10.0", "derived", 2, 30), (latest!.Version, latest.Source, latest.VersionsBehind, latest.DaysBehind));
        Assert.False(latest.IsLatest);
    }

    [Fact]
    public void With_only_pre_releases_the_highest_by_version_order_is_the_latest_whatever_the_listing_order()
    {
        var history = History(null,
            new ReleaseEntry("0.2.0-beta.1", Start.AddDays(10)),
            new ReleaseEntry("0.3.0-alpha.1", Start.AddDays(5)),
            new ReleaseEntry("0.1.0-alpha.1", Start));

        var (release, latest, _, _) = LifecycleFigures.Compute("npm", history, history.Releases[0], Compare, Start);

        Assert.Equal("0.3.0-alpha.1", latest!.Version);
        Assert.Equal(1, latest.VersionsBehind);
        Assert.True(release.Prerelease);
    }

    [Fact]
    public void A_declared_latest_the_registry_does_not_list_is_not_taken()
    {
        var history = History("9.9.9", new ReleaseEntry("1.0.0", Start), new ReleaseEntry("1.1.0", Start.AddDays(3)));

        var (_, latest, _, _) = LifecycleFigures.Compute("npm", history, history.Releases[0], Compare, Start);

        Assert.Equal(("1.1.0", "derived"), (latest!.Version, latest.Source));
    }

    [Fact]
    public void The_cadence_is_the_median_of_the_last_ten_intervals_and_counts_the_last_year()
    {
        // Two releases 100 days apart, then eleven a day apart: the early gaps fall outside the last ten intervals.
        var times = new List<DateTimeOffset> { Start, Start.AddDays(100) };
        for (var day = 1; day <= 11; day++)
            times.Add(Start.AddDays(100 + day));
        var history = History(null, [.. times.Select((t, i) => new ReleaseEntry($"1.{i}.0", t))]);

        var (_, _, cadence, _) = LifecycleFigures.Compute("npm", history, history.Releases[0], Compare, Start.AddDays(400));

        Assert.Equal(LifecycleFigures.CadenceIntervals, cadence.IntervalsConsidered);
        Assert.Equal(1, cadence.MedianDaysBetweenReleases);
        Assert.Equal(12, cadence.LastYear); // all but the first, which is 400 days old
        Assert.Equal((Start, Start.AddDays(111)), (cadence.FirstPublished!.Value, cadence.LastPublished!.Value));
    }

    [Fact]
    public void Npm_documents_an_emptied_deprecation_and_people_as_strings()
    {
        using var packument = JsonDocument.Parse("""
            {"versions": {
              "1.0.0": {"deprecated": "", "maintainers": ["Ann Example <ann@example.test>", "ann example"]},
              "1.1.0": {"deprecated": "use 2", "maintainers": [{"name": "ben", "email": "ben@example.test"}, 7]}
            }, "time": {"1.0.0": "2025-01-01T00:00:00Z"}}
            """);

        var history = RegistryDocuments.Npm(packument.RootElement, "npm");

        Assert.False(history.Releases[0].Deprecated); // npm un-deprecates with an empty message
        Assert.Equal(["Ann Example"], history.Releases[0].Maintainers!);
        Assert.Equal("use 2", history.Releases[1].DeprecationMessage);
        Assert.Equal(["ben"], history.Releases[1].Maintainers!);
        Assert.Null(history.Releases[1].Published);
        Assert.Null(history.DeclaredLatest);
    }

    [Fact]
    public void NuGet_and_PyPi_documents_with_fields_missing_or_in_other_shapes()
    {
        using var entries = JsonDocument.Parse("""
            [{"version": "1.0.0", "authors": ["Ann", " Ben "], "deprecation": {"reasons": ["Legacy"]}},
             {"version": "2.0.0", "published": "2025-02-01T00:00:00+00:00", "deprecation": {"message": "gone"}},
             {"listed": false}]
            """);
        using var project = JsonDocument.Parse("""
            {"releases": {"0.1": [], "0.2": [{"upload_time": "2025-03-01T10:00:00", "yanked": false}]}}
            """);

        var nuget = RegistryDocuments.NuGet(entries.RootElement.EnumerateArray(), "nuget");
        var pypi = RegistryDocuments.PyPi(project.RootElement, "pypi");

        Assert.Equal(2, nuget.Releases.Count); // the entry without a version is left out
        Assert.Equal(["Ann", "Ben"], nuget.Releases[0].Maintainers!);
        Assert.Equal("Legacy", nuget.Releases[0].DeprecationMessage);
        Assert.True(nuget.Releases[0].Listed);
        Assert.Null(nuget.Releases[0].Published);
        Assert.Equal("gone", nuget.Releases[1].DeprecationMessage);
        Assert.Null(pypi.Releases[0].Published);
        Assert.False(pypi.Releases[0].Yanked); // a release without files is not yanked
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero), pypi.Releases[1].Published); // no zone: UTC
    }
}
