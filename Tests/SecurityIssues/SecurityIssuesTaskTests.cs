using System.Text;
using Cucos.Tests.Dependencies;
using Cucos.Tests.Support;
using Cucos.Workers.SecurityIssues;
using Microsoft.Extensions.Configuration;
using static Cucos.Tests.SecurityIssues.OsvFixtures;

namespace Cucos.Tests.SecurityIssues;

/// <summary>security_issues against an offline OSV directory: matching, merging, bad input, the shared index.</summary>
[Trait("Category", "Unit")]
public sealed class SecurityIssuesTaskTests : IDisposable
{
    private static readonly FixedVersionSource NpmRegistry = new("npm", new Dictionary<string, string[]>
    {
        ["serve-static"] = ["1.7.0", "1.7.1", "1.7.2", "1.7.3", "1.8.0"],
        ["lodash"] = ["4.17.11", "4.17.12", "4.17.21"],
    });

    private readonly TempDirectory advisories = new("cucos-osv");

    private SecurityRun Run(params FixedVersionSource[] registries) => new(new AdvisorySettings(advisories.Path, null), registries);

    [Fact]
    public async Task With_no_source_configured_the_result_is_skipped_naming_the_settings()
    {
        using var run = new SecurityRun(new AdvisorySettings(null, null));
        var summary = (await run.DocumentAsync("npm", "serve-static", "1.7.1")).Summary();
        Assert.Equal("skipped", summary.GetProperty("status").GetString());
        Assert.Contains(AdvisorySettings.DirectoryKey, summary.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains(AdvisorySettings.ApiUrlKey, summary.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_setting_that_is_no_directory_is_refused_naming_the_setting()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [AdvisorySettings.DirectoryKey] = advisories.Combine("missing") }).Build();
        var error = Assert.Throws<Cucos.Sdk.FatalTaskException>(() => AdvisorySettings.From(configuration));
        Assert.StartsWith(AdvisorySettings.DirectoryKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_static_1_7_1_is_reported_once_for_its_GHSA_and_CVE_with_upgrade_to_1_7_2_and_bad_records_are_counted()
    {
        WriteZip(advisories, "npm", ServeStatic, ServeStaticCve, Lodash, Minimist, Withdrawn, OtherEcosystem, UnparsableRange);
        // The schema-breaking record sits in the zip too; it is skipped, the others still match.
        var zip = advisories.Combine("npm", "all.zip");
        using (var archive = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Update))
            archive.AddFile("OSV-2099-0005.json", Encoding.UTF8.GetBytes(SchemaBreaking));
        using var run = Run(NpmRegistry);

        var document = await run.DocumentAsync("npm", "serve-static", "1.7.1");

        var summary = document.Summary();
        Assert.Equal("checked", summary.GetProperty("status").GetString());
        Assert.Equal(["GHSA-c3x7-gjmx-r2ff", "OSV-2099-0003", "OSV-2099-0004"], document.Findings().Select(f => f.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));
        var open = document.Finding("GHSA-c3x7-gjmx-r2ff");
        Assert.Equal(["CVE-2015-1164", "GHSA-c3x7-gjmx-r2ff"], open.GetProperty("aliases").Strings());
        Assert.Equal("upgrade to 1.7.2", open.GetProperty("advice").GetString());
        Assert.Equal("1.7.2", open.GetProperty("nearest_fixed_version").GetString());
        Assert.Equal(["1.7.2"], open.GetProperty("fixed_versions").Strings());
        Assert.Equal(["CWE-601"], open.GetProperty("cwe_ids").Strings());
        Assert.Equal("medium", open.GetProperty("rating").GetString()); // GitHub's MODERATE
        var v31 = Assert.Single(open.GetProperty("severity").EnumerateArray());
        Assert.Equal("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", v31.GetProperty("vector").GetString());
        // The base score the CVSS v3.1 equations give this vector (FIRST's calculator says 6.1, Medium).
        Assert.Equal(6.1, v31.GetProperty("score").GetDouble());
        Assert.Equal("medium", v31.GetProperty("rating").GetString());
        // CVSS v4.0: the specification's own example of the highest base metrics without subsequent-system impact, 9.3.
        var v40 = Assert.Single(document.Finding("OSV-2099-0003").GetProperty("severity").EnumerateArray());
        Assert.Equal((9.3, "critical"), (v40.GetProperty("score").GetDouble(), v40.GetProperty("rating").GetString()));
        Assert.Equal(9.3, summary.GetProperty("highest_score").GetDouble());
        Assert.Equal(2, open.GetProperty("ranges").GetArrayLength()); // the GHSA's SEMVER and the CVE's ECOSYSTEM range
        Assert.Equal(new DateTimeOffset(2015, 1, 21, 18, 59, 0, TimeSpan.Zero), open.GetProperty("published").GetDateTimeOffset()); // the earlier of the two
        // 1.7.2 is still inside OSV-2099-0004's range: the version that clears every finding is 1.7.3.
        Assert.Equal("1.7.3", document.Finding("OSV-2099-0004").GetProperty("nearest_fixed_version").GetString());
        Assert.Equal("1.7.3", summary.GetProperty("upgrade_to").GetString());
        Assert.Equal(3, summary.GetProperty("vulnerabilities").GetInt32());

        var skipped = document.Details().GetProperty("skipped").Strings();
        Assert.Contains(skipped, s => s.StartsWith("npm/all.zip:OSV-2099-0005.json: OSV-2099-0005 breaks the OSV schema", StringComparison.Ordinal));
        Assert.Contains(skipped, s => s.Contains("'Hex'", StringComparison.Ordinal));
        Assert.Contains(skipped, s => s.StartsWith("OSV-2099-0004 (serve-static@1.7.1)", StringComparison.Ordinal) && s.Contains("'not-a-version'", StringComparison.Ordinal));
        Assert.Equal(3, summary.GetProperty("skipped").GetInt32());
        var source = Assert.Single(document.Details().GetProperty("sources").EnumerateArray(), s => s.GetProperty("source").GetString() == "npm/all.zip");
        Assert.Equal(1, source.GetProperty("withdrawn").GetInt32());
        Assert.Equal(6, source.GetProperty("records").GetInt32()); // seven read, one withdrawn
    }

    [Fact]
    public async Task Direct_dependencies_are_checked_and_reported_with_the_dependency_they_came_through()
    {
        WriteZip(advisories, "npm", ServeStatic, Lodash, Minimist);
        using var run = Run(NpmRegistry);

        var document = await run.DocumentAsync("npm", "serve-static", "1.7.2",
            SecurityRun.Dependency("lodash", "4.17.11"), SecurityRun.Dependency("minimist", "1.2.6"));

        Assert.Empty(document.Findings());
        var dependency = Assert.Single(document.Details().GetProperty("dependencies").EnumerateArray());
        Assert.Equal("lodash", dependency.GetProperty("dependency").GetString());
        Assert.Equal("4.17.11", dependency.GetProperty("version").GetString());
        var finding = Assert.Single(dependency.GetProperty("vulnerabilities").EnumerateArray());
        Assert.Equal("GHSA-jf85-cpcp-j695", finding.GetProperty("id").GetString());
        Assert.Equal("upgrade to 4.17.12", finding.GetProperty("advice").GetString());
        Assert.Equal(0, document.Summary().GetProperty("vulnerabilities").GetInt32());
        Assert.Equal(1, document.Summary().GetProperty("dependency_vulnerabilities").GetInt32());
        Assert.Equal(1, document.Summary().GetProperty("by_severity").GetProperty("critical").GetInt32());
    }

    [Theory]
    [InlineData("pypi", "PyPI", Jinja2, "Jinja2", "2.10.post1", "GHSA-462w-v97r-4m45", "2.10.1")]
    [InlineData("maven", "Maven", Log4Shell, "org.apache.logging.log4j:log4j-core", "2.14.1", "GHSA-jfh8-c2jp-5v3q", "2.15.0")]
    [InlineData("nuget", "NuGet", EncodingsWeb, "system.text.encodings.web", "5.0.0", "GHSA-ghhp-997w-qr28", "5.0.1")]
    [InlineData("rubygems", "RubyGems", Rack, "rack", "2.2.3", "GHSA-wq4h-7r42-5hrr", "2.2.3.1")]
    [InlineData("crates", "crates.io", Smallvec, "smallvec", "1.6.0", "RUSTSEC-2021-0003", "1.6.1")]
    [InlineData("go", "Go", XCrypto, "golang.org/x/crypto", "v0.0.0-20220112180741-5e0467b6c7ce", "GO-2021-0356", "0.0.0-20220314234659-1baeb1ce4c0b")]
    public async Task Each_ecosystem_reads_its_own_zip_and_names_the_advisorys_fix_without_a_registry_listing(
        string ecosystem, string osvEcosystem, string record, string name, string version, string id, string fix)
    {
        WriteZip(advisories, osvEcosystem, record);
        using var run = Run();

        var finding = Assert.Single((await run.DocumentAsync(ecosystem, name, version)).Findings());

        Assert.Equal(id, finding.GetProperty("id").GetString());
        Assert.Equal("upgrade to " + fix, finding.GetProperty("advice").GetString());
    }

    [Fact]
    public async Task A_corrupt_zip_is_reported_and_the_plain_json_records_beside_it_still_match()
    {
        advisories.WriteFile("npm/all.zip", "PK\u0003\u0004 this is no zip"u8.ToArray());
        AssertValid(ServeStatic);
        advisories.WriteFile("npm/GHSA-c3x7-gjmx-r2ff.json", Encoding.UTF8.GetBytes(ServeStatic));
        AssertValid(Lodash);
        advisories.WriteFile("mixed/lodash.json", Encoding.UTF8.GetBytes(Lodash)); // a loose record outside the ecosystem folders
        using var run = Run();

        var document = await run.DocumentAsync("npm", "serve-static", "1.7.1", SecurityRun.Dependency("lodash", "4.17.11"));

        Assert.Equal("GHSA-c3x7-gjmx-r2ff", Assert.Single(document.Findings()).GetProperty("id").GetString());
        Assert.Single(document.Details().GetProperty("dependencies").EnumerateArray());
        Assert.Contains(document.Details().GetProperty("skipped").Strings(), s => s.StartsWith("npm/all.zip is not a readable zip", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_index_is_built_once_kept_when_the_zip_is_only_touched_and_rebuilt_when_its_content_changes()
    {
        var zip = WriteZip(advisories, "npm", Lodash);
        using var run = Run();
        async Task<(string IndexedAt, int Findings)> Check()
        {
            var document = await run.DocumentAsync("npm", "serve-static", "1.7.1");
            var source = document.Details().GetProperty("sources").EnumerateArray().Single(s => s.GetProperty("source").GetString() == "npm/all.zip");
            return (source.GetProperty("indexed_at").GetString()!, document.Findings().Count);
        }

        var first = await Check();
        Assert.Equal(0, first.Findings);
        Assert.Equal(first, await Check());
        File.SetLastWriteTimeUtc(zip, DateTime.UtcNow.AddMinutes(1)); // same bytes, new time: the digest says keep it
        Assert.Equal(first, await Check());

        await Task.Delay(20); // a later build time to tell the builds apart, not a timing assertion
        WriteZip(advisories, "npm", Lodash, ServeStatic);
        var rebuilt = await Check();
        Assert.NotEqual(first.IndexedAt, rebuilt.IndexedAt);
        Assert.Equal(1, rebuilt.Findings);
    }

    [Fact]
    public async Task An_ecosystem_osv_does_not_cover_is_skipped_saying_which_it_covers()
    {
        WriteZip(advisories, "npm", ServeStatic);
        using var run = Run();
        var attempt = await run.AttemptAsync("toy", "blocks", "1.0");
        var summary = attempt.Document!.Value.Summary();
        Assert.Equal("skipped", summary.GetProperty("status").GetString());
        Assert.Contains("'toy'", summary.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    public void Dispose() => advisories.Dispose();
}
