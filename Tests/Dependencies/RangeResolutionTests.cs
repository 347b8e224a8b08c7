using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Dependencies.Resolvers;
using Cucos.Workers.Ecosystems.Crates;
using Cucos.Workers.Ecosystems.Go;
using Cucos.Workers.Ecosystems.Maven;
using Cucos.Workers.Ecosystems.Npm;
using Cucos.Workers.Ecosystems.Nuget;
using Cucos.Workers.Ecosystems.PyPi;
using Cucos.Workers.Ecosystems.RubyGems;

namespace Cucos.Tests.Dependencies;

/// <summary>
/// Tables of known answers, written from each ecosystem's documented rules (the rule a row exercises is named next
/// to it): which version the ecosystem picks for a specification from a registry's list, or none.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RangeResolutionTests
{
    private static void AssertPick(IVersionResolver resolver, string[] versions, string spec, string? expected)
    {
        var resolution = resolver.Resolve(spec, versions);
        Assert.True(expected == resolution.Version, $"{resolver.Ecosystem} '{spec}': expected {expected ?? "none"}, got {resolution.Version ?? "none (" + resolution.Reason + ")"}");
        if (expected is null)
            Assert.False(string.IsNullOrWhiteSpace(resolution.Reason));
    }

    // --- npm: node-semver's README ("Ranges", "Advanced Range Syntax", "Prerelease Tags"); npm picks the highest match.
    private static readonly string[] NpmVersions =
    [
        "0.0.1", "0.0.2", "0.1.0", "0.1.5", "0.2.0", "1.0.0", "1.2.2", "1.2.3", "1.2.4-beta.1", "1.2.4", "1.2.9",
        "1.3.0-beta.1", "1.3.0", "1.9.9", "2.0.0-alpha.1", "2.0.0", "2.4.1", "3.0.0-rc.1",
    ];

    [Theory]
    [InlineData("^1.2.3", "1.9.9")]                  // caret: changes that keep the left-most non-zero part: <2.0.0-0
    [InlineData("^0.1.0", "0.1.5")]                  // ^0.2.3 := >=0.2.3 <0.3.0-0
    [InlineData("^0.0.1", "0.0.1")]                  // ^0.0.3 := >=0.0.3 <0.0.4-0
    [InlineData("^1.2.x", "1.9.9")]                  // ^1.2.x := >=1.2.0 <2.0.0-0
    [InlineData("^0.x", "0.2.0")]                    // ^0.x := >=0.0.0 <1.0.0-0
    [InlineData("^0.0.x", "0.0.2")]                  // ^0.0.x := >=0.0.0 <0.1.0-0
    [InlineData("~1.2.3", "1.2.9")]                  // tilde: patch changes if a minor is given: <1.3.0-0
    [InlineData("~1", "1.9.9")]                      // ~1 := >=1.0.0 <2.0.0-0
    [InlineData("~0.1", "0.1.5")]                    // ~0.2 := >=0.2.0 <0.3.0-0
    [InlineData("1.2.x", "1.2.9")]                   // x-range: 1.2.x := >=1.2.0 <1.3.0-0
    [InlineData("1.x", "1.9.9")]                     // 1.x := >=1.0.0 <2.0.0-0
    [InlineData("1", "1.9.9")]                       // a partial version is an x-range
    [InlineData("*", "2.4.1")]                       // any version, but pre-releases (3.0.0-rc.1) only when asked for
    [InlineData("", "2.4.1")]                        // "" := * := >=0.0.0
    [InlineData("1.2.3 - 2.0.0", "2.0.0")]           // hyphen range: inclusive at both ends
    [InlineData("1.2 - 1.3", "1.3.0")]               // a partial upper end includes all of it: <1.4.0-0
    [InlineData("1.2.3 - 2", "2.4.1")]               // 1.2.3 - 2 := >=1.2.3 <3.0.0-0
    [InlineData("<1.0.0 || >=2.4.0", "2.4.1")]       // || unions comparator sets
    [InlineData(">= 1.2.2 < 1.2.4", "1.2.3")]        // intersection; spaces after an operator are allowed
    [InlineData("1.2.3", "1.2.3")]                   // a version is an exact match
    [InlineData("=1.2.4", "1.2.4")]
    [InlineData(">1", "2.4.1")]                      // >1 := >=2.0.0
    [InlineData("<1.2", "1.0.0")]                    // <1.2 := <1.2.0-0
    [InlineData("<=1.2", "1.2.9")]                   // <=1.2 := <1.3.0-0
    [InlineData(">1.2.3 <1.2.4", null)]              // 1.2.4-beta.1 is in range, but no comparator names a 1.2.4 pre-release
    [InlineData(">=1.2.4-beta.0 <1.2.4", "1.2.4-beta.1")] // a pre-release on a comparator's [major, minor, patch] is allowed
    [InlineData("~1.2.4-beta.0", "1.2.9")]           // ~1.2.3-beta.2 := >=1.2.3-beta.2 <1.3.0-0; releases above still count
    [InlineData("^3.0.0", null)]                     // only 3.0.0-rc.1 exists: a pre-release of another tuple is excluded
    [InlineData("^3.0.0-rc.0", "3.0.0-rc.1")]
    [InlineData("latest", null)]                     // a dist-tag: the version list does not say what it points at
    public void Npm(string spec, string? expected) => AssertPick(new NpmResolver(), NpmVersions, spec, expected);

    [Theory]
    [InlineData("npm:left-pad@^1.1", "left-pad", "^1.1")]   // npm alias: install another package under this name
    [InlineData("^2", "x", "^2")]
    public void Npm_aliases_name_the_package_to_look_up(string spec, string package, string range)
    {
        var target = ((IVersionResolver)new NpmResolver()).Target("x", spec, out var reason);
        Assert.Null(reason);
        Assert.Equal((package, range), target);
    }

    [Theory]
    [InlineData("git+https://github.com/a/b.git")]
    [InlineData("github:a/b")]
    [InlineData("a/b#v1")]
    [InlineData("file:../local")]
    [InlineData("https://example.org/x.tgz")]
    [InlineData("workspace:*")]
    public void Npm_sources_that_are_not_registry_versions_are_named(string spec)
    {
        Assert.Null(((IVersionResolver)new NpmResolver()).Target("x", spec, out var reason));
        Assert.Contains("not a registry version", reason);
    }

    // --- Cargo: The Cargo Book, "Specifying Dependencies" (caret by default, tilde, wildcard, comparison, multiple).
    private static readonly string[] CargoVersions =
        ["0.0.3", "0.0.4", "0.1.0", "0.1.9", "0.2.0", "1.0.0", "1.2.3", "1.4.0", "1.9.0-beta.1", "2.0.0", "2.1.0-rc.1"];

    [Theory]
    [InlineData("1.2.3", "1.4.0")]                   // a bare version is a caret requirement: >=1.2.3, <2.0.0
    [InlineData("0.1", "0.1.9")]                     // 0.1 := >=0.1.0, <0.2.0
    [InlineData("0.0.3", "0.0.3")]                   // 0.0.3 := >=0.0.3, <0.0.4
    [InlineData("0.0", "0.0.4")]                     // 0.0 := >=0.0.0, <0.1.0
    [InlineData("0", "0.2.0")]                       // 0 := >=0.0.0, <1.0.0
    [InlineData("^1.2", "1.4.0")]
    [InlineData("~1.2", "1.2.3")]                    // ~1.2 := >=1.2.0, <1.3.0
    [InlineData("~1", "1.4.0")]                      // ~1 := >=1.0.0, <2.0.0
    [InlineData("1.*", "1.4.0")]                     // wildcard
    [InlineData("*", "2.0.0")]                       // pre-releases are not picked unless asked for
    [InlineData(">=1.2, <2.0", "1.4.0")]             // multiple requirements, comma-separated, all must hold
    [InlineData("=1.2.3", "1.2.3")]
    [InlineData(">=1.9.0-beta.0, <2", "1.9.0-beta.1")] // a pre-release named on the same version admits its pre-releases
    [InlineData("^2.1.0-rc.0", "2.1.0-rc.1")]
    [InlineData("3", null)]
    public void Cargo(string spec, string? expected) => AssertPick(new CargoResolver(), CargoVersions, spec, expected);

    // --- PyPI: PEP 440 "Version specifiers" (and Poetry's documented ^ and ~ for Poetry manifests).
    private static readonly string[] PypiVersions =
        ["0.9", "1.0", "1.0.post1", "1.1a1", "1.1", "1.1.1", "1.2.dev0", "1.2rc1", "1.4.5", "1.4.9", "1.5", "2.0", "2.1+local.7", "3.0a1"];

    [Theory]
    [InlineData("~=1.4.5", "1.4.9")]                 // compatible release: >=1.4.5, ==1.4.*
    [InlineData("~=1.1", "1.5")]                     // ~=2.2 := >=2.2, ==2.*
    [InlineData("==1.1.*", "1.1.1")]                 // prefix matching
    [InlineData("==1", "1.0")]                       // release segments are zero-padded: 1 == 1.0
    [InlineData("!=1.5,<2", "1.4.9")]                // version exclusion
    [InlineData(">1.0,<1.1", null)]                  // >V excludes post-releases of V (1.0.post1); <V excludes pre-releases of V (1.1a1)
    [InlineData(">=1.0,<1.1", "1.0.post1")]          // inclusive comparisons have no such exclusion
    [InlineData("<1.2", "1.1.1")]                    // 1.2.dev0 and 1.2rc1 are pre-releases of 1.2
    [InlineData(">=1.2rc1,<1.3", "1.2rc1")]          // a specifier that names a pre-release accepts pre-releases
    [InlineData(">2.1", "3.0a1")]                    // a pre-release is accepted when it is the only match
    [InlineData("===1.0.post1", "1.0.post1")]        // arbitrary equality: a plain string comparison
    [InlineData("==2.1", "2.1+local.7")]             // a specifier without a local label ignores candidates' local labels
    [InlineData("", "2.1+local.7")]                  // no specifier: the highest final release
    [InlineData("==1.1.0a1", "1.1a1")]               // normalised and padded: 1.1.0a1 == 1.1a1
    [InlineData("~=1", null)]                        // ~= needs at least two release segments: not valid
    [InlineData("^1.4", "1.5")]                      // Poetry caret: >=1.4,<2.0
    [InlineData("~1.4", "1.4.9")]                    // Poetry tilde: >=1.4,<1.5
    public void Pypi(string spec, string? expected) => AssertPick(new Pep440Resolver(), PypiVersions, spec, expected);

    // --- Maven: the POM reference's Version Order Specification, and its examples.
    [Theory]
    [InlineData("1", "1.1", -1)]
    [InlineData("1-snapshot", "1", -1)]
    [InlineData("1", "1-sp", -1)]
    [InlineData("1-foo2", "1-foo10", -1)]
    [InlineData("1.foo", "1-foo", 0)]
    [InlineData("1-foo", "1-1", -1)]
    [InlineData("1-1", "1.1", -1)]
    [InlineData("1.ga", "1", 0)]
    [InlineData("1-ga", "1", 0)]
    [InlineData("1-0", "1", 0)]
    [InlineData("1.0", "1", 0)]
    [InlineData("1-sp", "1-ga", 1)]
    [InlineData("1-sp.1", "1-ga.1", 1)]
    [InlineData("1-sp-1", "1-ga-1", -1)]
    [InlineData("1-ga-1", "1-1", 0)]
    [InlineData("1-a1", "1-alpha-1", 0)]
    [InlineData("1.0-SNAPSHOT", "1.0", -1)]
    [InlineData("1.0-alpha-1", "1.0-beta-1", -1)]
    [InlineData("1.0-rc1", "1.0-cr1", 0)]
    [InlineData("1.0-milestone-1", "1.0-rc-1", -1)]
    [InlineData("2.0.0", "10.0.0", -1)]
    public void Maven_version_order(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(new MavenVersion(a).CompareTo(new MavenVersion(b))));
        Assert.Equal(-expected, Math.Sign(new MavenVersion(b).CompareTo(new MavenVersion(a))));
    }

    // --- Maven: the POM reference's "Dependency Version Requirement Specification".
    private static readonly string[] MavenVersions = ["1.0", "1.1", "1.2", "1.5", "2.0-beta-1", "2.0", "2.1", "3.0"];

    [Theory]
    [InlineData("[1.0]", "1.0")]                     // hard requirement for exactly 1.0
    [InlineData("(,1.1]", "1.1")]                    // x <= 1.1
    [InlineData("[1.2,1.5)", "1.2")]                 // 1.2 <= x < 1.5
    [InlineData("[1.0,2.0)", "2.0-beta-1")]          // no pre-release exclusion in Maven: 2.0-beta-1 orders below 2.0
    [InlineData("[1.5,)", "3.0")]                    // x >= 1.5
    [InlineData("(,1.0],[1.2,)", "3.0")]             // union of ranges
    [InlineData("(,1.1),(1.1,1.5]", "1.5")]          // excluding 1.1
    [InlineData("(1.0,1.2)", "1.1")]
    [InlineData("1.5", "1.5")]                       // a soft requirement: Maven uses it as declared
    [InlineData("1.7", null)]                        // ... which must exist
    [InlineData("[4.0,)", null)]
    [InlineData("[1.0", null)]                       // not a valid range
    public void Maven(string spec, string? expected) => AssertPick(new MavenResolver(), MavenVersions, spec, expected);

    // --- NuGet: "Package versioning" (version ranges, floating versions) and "Dependency resolution" (lowest applicable).
    private static readonly string[] NuGetVersions = ["1.0.0", "1.0.1", "1.1.0-beta", "1.1.0", "1.2.0", "2.0.0", "2.1.0-preview.1", "2.1.0"];

    [Theory]
    [InlineData("1.0", "1.0.0")]                     // "1.0" is x >= 1.0; NuGet takes the lowest applicable version
    [InlineData("1.0.2", "1.1.0")]                   // lowest applicable; 1.1.0-beta not, as the range names no pre-release
    [InlineData("[1.1,2.0)", "1.1.0")]
    [InlineData("(1.0.0,)", "1.0.1")]                // exclusive minimum
    [InlineData("[1.0.0]", "1.0.0")]                 // exact
    [InlineData("1.*", "1.2.0")]                     // a floating version takes the highest match
    [InlineData("*", "2.1.0")]
    [InlineData("2.1.0-preview.1", "2.1.0-preview.1")] // a pre-release minimum admits pre-releases
    [InlineData("[3.0,)", null)]
    [InlineData("[2.0,1.0]", null)]                  // not a valid range
    public void NuGet(string spec, string? expected) => AssertPick(new NuGetResolver(), NuGetVersions, spec, expected);

    // --- RubyGems: the guides' "Patterns" (pessimistic constraint) and Gem::Version / Gem::Requirement documentation.
    private static readonly string[] GemVersions = ["0.9", "1.0", "1.0.1", "1.1.0.rc1", "1.1", "1.9.3", "2.0.0.beta", "2.0", "2.2", "2.2.5", "3.0"];

    [Theory]
    [InlineData("~> 2.2", "2.2.5")]                  // ~> 2.2 := >= 2.2, < 3.0
    [InlineData("~> 2.2.0", "2.2.5")]                // ~> 2.2.0 := >= 2.2.0, < 2.3
    [InlineData("~> 1", "1.9.3")]                    // ~> 1 := >= 1, < 2
    [InlineData("~> 1.0, >= 1.0.1", "1.9.3")]        // every requirement must hold
    [InlineData(">= 0", "3.0")]
    [InlineData("1.0", "1.0")]                       // no operator means =
    [InlineData("= 1.0.0", "1.0")]                   // trailing zeros do not count: 1.0.0 == 1.0
    [InlineData("!= 3.0", "2.2.5")]
    [InlineData("> 1.9.3, < 2.0.1", "2.0")]          // 2.0.0.beta is a pre-release: below 2.0, and not picked unless asked for
    [InlineData("> 1.0.1, < 1.1", null)]             // only 1.1.0.rc1 is in range, a pre-release
    [InlineData("~> 1.1.0.rc", "1.1")]               // a pre-release requirement admits pre-releases; 1.1 is still higher
    [InlineData("~> 4.0", null)]
    public void RubyGems(string spec, string? expected) => AssertPick(new RubyGemsResolver(), GemVersions, spec, expected);

    // --- Go: minimal version selection builds with exactly the required version ("Go Modules Reference", MVS).
    [Theory]
    [InlineData("v1.8.0", "v1.8.0")]
    [InlineData("v0.0.0-20240101120000-abcdef123456", "v0.0.0-20240101120000-abcdef123456")] // a pseudo-version is a commit, never listed
    [InlineData("v9.9.9", null)]
    public void Go(string spec, string? expected) => AssertPick(new GoResolver(), ["v1.7.0", "v1.8.0", "v1.9.0"], spec, expected);
}
