using System.Text;
using Cucos.Workers;
using Cucos.Workers.SecurityIssues;

namespace Cucos.Tests.SecurityIssues;

/// <summary>OSV's range evaluation with each ecosystem's own ordering, on records modelled on real advisories.</summary>
[Trait("Category", "Unit")]
public sealed class AffectedVersionsTests
{
    private static bool Affected(string record, string ecosystem, string version)
    {
        OsvFixtures.AssertValid(record);
        var parsed = OsvRecords.Parse(Encoding.UTF8.GetBytes(record), out var problem) ?? throw new InvalidOperationException(problem);
        var ordering = new AffectedVersions(BuiltInTasks.EcosystemsOf(null).Get(ecosystem).VersionResolver);
        return parsed.Affected!.Any(a => ordering.Judge(a, version).Affected);
    }

    [Theory]
    [InlineData("1.7.1", true)]
    [InlineData("1.0.0", true)]
    [InlineData("1.7.2-rc.0", true)] // a pre-release of the fix is below it
    [InlineData("1.7.2", false)]
    [InlineData("1.8.0", false)]
    public void Npm_serve_static_is_affected_below_1_7_2(string version, bool affected) =>
        Assert.Equal(affected, Affected(OsvFixtures.ServeStatic, "npm", version));

    [Theory]
    [InlineData("0.2.3", true)]
    [InlineData("0.2.4", false)]
    [InlineData("0.9.0", false)]
    [InlineData("1.0.0", true)]
    [InlineData("1.2.5", true)]
    [InlineData("1.2.6", false)]
    public void Minimist_two_entries_with_unsorted_events_are_each_evaluated_in_version_order(string version, bool affected) =>
        Assert.Equal(affected, Affected(OsvFixtures.Minimist, "npm", version));

    [Theory]
    [InlineData("4.17.11", true)]
    [InlineData("4.17.12", false)]
    public void Lodash_is_fixed_in_4_17_12(string version, bool affected) =>
        Assert.Equal(affected, Affected(OsvFixtures.Lodash, "npm", version));

    [Theory]
    [InlineData("2.10rc1", true)]
    [InlineData("2.10", true)]
    [InlineData("2.10.post1", true)]     // a post-release of 2.10 is still below 2.10.1
    [InlineData("2.10.1.dev0", true)]    // a dev-release of the fix is below it
    [InlineData("2.10.1rc1", true)]
    [InlineData("2.10.1", false)]
    [InlineData("2.10.1.post1", false)]
    [InlineData("2.11.0a1", false)]
    public void PyPI_jinja2_orders_pre_post_and_dev_releases_by_pep_440(string version, bool affected) =>
        Assert.Equal(affected, Affected(OsvFixtures.Jinja2, "pypi", version));

    [Theory]
    [InlineData("2.0-beta8", false)]
    [InlineData("2.0-beta9", true)]
    [InlineData("2.0-rc1", true)]
    [InlineData("2.0", true)]
    [InlineData("2.3.1", false)]
    [InlineData("2.4", true)]
    [InlineData("2.12.2", false)]
    [InlineData("2.14.1", true)]
    [InlineData("2.15.0-rc1", true)]
    [InlineData("2.15.0", false)]
    public void Maven_log4j_core_ranges_follow_maven_qualifier_order(string version, bool affected) =>
        Assert.Equal(affected, Affected(OsvFixtures.Log4Shell, "maven", version));

    [Theory]
    [InlineData("1.0-alpha", false)]
    [InlineData("1.0", true)]
    [InlineData("1.0.0", true)]          // Maven: 1.0.0 == 1.0
    [InlineData("1.0-sp1", false)]       // a service pack is after the release: past last_affected
    public void Maven_last_affected_1_0_puts_alpha_below_and_sp1_above(string version, bool affected) =>
        Assert.Equal(affected, Affected(OsvFixtures.MavenQualifiers, "maven", version));

    [Theory]
    [InlineData("4.5.0", true)]
    [InlineData("4.5.1", false)]
    [InlineData("5.0.0-preview.1", false)] // below 5.0.0, above 4.5.1
    [InlineData("5.0.0", true)]
    [InlineData("5.0.1", false)]
    public void NuGet_encodings_web_uses_nuget_versioning(string version, bool affected) =>
        Assert.Equal(affected, Affected(OsvFixtures.EncodingsWeb, "nuget", version));

    [Theory]
    [InlineData("2.0.9", true)]
    [InlineData("2.0.9.1", false)]
    [InlineData("2.1.4", true)]
    [InlineData("2.2.3", true)]
    [InlineData("2.2.3.1", false)]
    [InlineData("3.0.0", false)]
    public void RubyGems_rack_four_part_fixes_use_gem_ordering(string version, bool affected) =>
        Assert.Equal(affected, Affected(OsvFixtures.Rack, "rubygems", version));

    [Theory]
    [InlineData("0.6.2", false)]
    [InlineData("0.6.3", true)]
    [InlineData("0.6.13", true)]
    [InlineData("0.6.14", false)]
    [InlineData("1.6.0", true)]
    [InlineData("1.6.1", false)]
    public void Crates_smallvec_one_semver_range_with_two_introductions(string version, bool affected) =>
        Assert.Equal(affected, Affected(OsvFixtures.Smallvec, "crates", version));

    [Theory]
    [InlineData("v0.0.0-20220112180741-5e0467b6c7ce", true)]
    [InlineData("0.0.0-20220112180741-5e0467b6c7ce", true)]
    [InlineData("v0.0.0-20220315160706-3147a52a75dd", false)]
    [InlineData("v0.1.0", false)]
    public void Go_pseudo_versions_order_by_their_commit_time(string version, bool affected) =>
        Assert.Equal(affected, Affected(OsvFixtures.XCrypto, "go", version));

    [Fact]
    public void A_git_range_is_recorded_as_not_evaluated()
    {
        var record = OsvRecords.Parse(Encoding.UTF8.GetBytes(OsvFixtures.XCrypto), out _)!;
        var verdict = new AffectedVersions(BuiltInTasks.EcosystemsOf(null).Get("go").VersionResolver).Judge(record.Affected![0], "v0.1.0");
        Assert.Contains("go.googlesource.com/crypto", Assert.Single(verdict.NotEvaluated), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.5.0", true)]
    [InlineData("2.0.0", false)]
    [InlineData("3.0.0", false)]
    public void A_limit_event_ends_the_range_even_without_a_fix(string version, bool affected)
    {
        var range = new OsvRange("SEMVER", null, [new(Introduced: "1.0.0", null, null, null), new(null, null, null, Limit: "2.0.0")]);
        Assert.Equal(affected, new AffectedVersions(null).InRange(range, version).Affected);
    }

    [Fact]
    public void An_unparsable_version_in_a_range_skips_that_range_with_a_message_and_the_next_range_still_matches()
    {
        var record = OsvRecords.Parse(Encoding.UTF8.GetBytes(OsvFixtures.UnparsableRange), out _)!;
        var verdict = new AffectedVersions(BuiltInTasks.EcosystemsOf(null).Get("npm").VersionResolver).Judge(record.Affected![0], "1.7.1");
        Assert.True(verdict.Affected);
        Assert.Contains("'not-a-version'", Assert.Single(verdict.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_that_breaks_the_schema_is_refused_saying_how_and_the_schema_refuses_it_too()
    {
        Assert.False(OsvFixtures.IsValid(OsvFixtures.SchemaBreaking));
        Assert.Null(OsvRecords.Parse(Encoding.UTF8.GetBytes(OsvFixtures.SchemaBreaking), out var problem));
        Assert.Contains("exactly one of introduced", problem, StringComparison.Ordinal);
        Assert.Null(OsvRecords.Parse("{\"id\": 5}"u8, out var notRecord));
        Assert.StartsWith("not an OSV record", notRecord, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PyPI", "Jinja2", "jinja2")]
    [InlineData("PyPI", "zope.Interface__x", "zope-interface-x")]
    [InlineData("NuGet", "System.Text.Encodings.Web", "system.text.encodings.web")]
    [InlineData("crates.io", "Serde_JSON", "serde-json")]
    [InlineData("Maven", "org.example : lib", "org.example:lib")]
    [InlineData("npm", "@Types/Node", "@Types/Node")]
    [InlineData("Go", "golang.org/x/crypto/", "golang.org/x/crypto")]
    public void Names_are_normalised_as_each_ecosystem_compares_them(string ecosystem, string name, string normalised) =>
        Assert.Equal(normalised, OsvEcosystems.NormaliseName(ecosystem, name));
}
