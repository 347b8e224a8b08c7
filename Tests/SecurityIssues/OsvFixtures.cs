using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Cucos.Tests.Support;
using Json.Schema;

namespace Cucos.Tests.SecurityIssues;

/// <summary>
/// OSV records modelled on real public advisories (their real ids, aliases and ranges, summaries shortened), plus a
/// few illustrative ones with OSV- ids for cases no single real advisory shows. Every record the tests use, except
/// the one that breaks the schema on purpose, validates against the OSV schema (<see cref="AssertValid"/>).
/// </summary>
public static class OsvFixtures
{
    // osv.schema.json: repository ossf/osv-schema (commit 51b8156), validation/schema.json, copied unchanged.
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "SecurityIssues", "osv.schema.json"))));

    private static readonly ConcurrentDictionary<string, bool> Checked = new(StringComparer.Ordinal);

    /// <summary>Fails naming the violations when <paramref name="json"/> is not a valid OSV record.</summary>
    public static void AssertValid(string json)
    {
        if (Checked.ContainsKey(json))
            return;
        var result = Schema.Value.Evaluate(JsonDocument.Parse(json).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, "not a valid OSV record:\n  " + string.Join("\n  ", (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))) + "\n" + json);
        Checked[json] = true;
    }

    public static bool IsValid(string json) =>
        Schema.Value.Evaluate(JsonDocument.Parse(json).RootElement).IsValid;

    /// <summary>An OSV export as OSV-Scanner downloads it: one <c>ID.json</c> entry per record.</summary>
    public static byte[] AllZip(params string[] records) => ArchiveBuilder.ZipBytes(zip =>
    {
        foreach (var record in records)
            zip.AddFile(JsonDocument.Parse(record).RootElement.GetProperty("id").GetString() + ".json", Encoding.UTF8.GetBytes(record));
    });

    /// <summary>Writes <c>dir/Ecosystem/all.zip</c> with these records, each checked against the schema.</summary>
    public static string WriteZip(TempDirectory directory, string osvEcosystem, params string[] records)
    {
        foreach (var record in records)
            AssertValid(record);
        return directory.WriteFile($"{osvEcosystem}/all.zip", AllZip(records));
    }

    // npm: serve-static open redirect (GitHub's advisory database; fixed in 1.7.2).
    public const string ServeStatic = """
        {"schema_version":"1.4.0","id":"GHSA-c3x7-gjmx-r2ff","modified":"2023-07-20T22:31:51Z","published":"2018-07-24T20:06:02Z",
         "aliases":["CVE-2015-1164"],"summary":"Open redirect in serve-static",
         "affected":[{"package":{"ecosystem":"npm","name":"serve-static","purl":"pkg:npm/serve-static"},
           "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.7.2"}]}]}],
         "references":[{"type":"ADVISORY","url":"https://nvd.nist.gov/vuln/detail/CVE-2015-1164"},{"type":"WEB","url":"https://github.com/expressjs/serve-static/issues/26"}],
         "database_specific":{"cwe_ids":["CWE-601"],"severity":"MODERATE","github_reviewed":true}}
        """;

    // The CVE of the same vulnerability as its own record naming the GHSA (illustrative shape; the ids are the real pair).
    public const string ServeStaticCve = """
        {"id":"CVE-2015-1164","modified":"2024-01-05T10:00:00Z","published":"2015-01-21T18:59:00Z","aliases":["GHSA-c3x7-gjmx-r2ff"],
         "summary":"Open redirect vulnerability in the serve-static plugin before 1.7.2 for Node.js",
         "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"}],
         "affected":[{"package":{"ecosystem":"npm","name":"serve-static"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.7.2"}]}]}],
         "references":[{"type":"WEB","url":"https://github.com/expressjs/serve-static/issues/26"}]}
        """;

    // npm: lodash prototype pollution in defaultsDeep (CVE-2019-10744), fixed in 4.17.12.
    public const string Lodash = """
        {"id":"GHSA-jf85-cpcp-j695","modified":"2024-03-01T00:00:00Z","published":"2019-07-10T19:45:23Z","aliases":["CVE-2019-10744"],
         "summary":"Prototype Pollution in lodash",
         "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H"}],
         "affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"4.17.12"}]}]}],
         "references":[{"type":"ADVISORY","url":"https://nvd.nist.gov/vuln/detail/CVE-2019-10744"}],
         "database_specific":{"cwe_ids":["CWE-1321","CWE-20"],"severity":"CRITICAL"}}
        """;

    // npm: minimist prototype pollution (CVE-2021-44906): two ranges, events deliberately unsorted.
    public const string Minimist = """
        {"id":"GHSA-xvch-5gv4-984h","modified":"2024-02-01T00:00:00Z","published":"2022-03-18T00:01:09Z","aliases":["CVE-2021-44906"],
         "summary":"Prototype Pollution in minimist",
         "affected":[{"package":{"ecosystem":"npm","name":"minimist"},"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"0.2.4"},{"introduced":"0"}]}]},
                     {"package":{"ecosystem":"npm","name":"minimist"},"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"1.2.6"},{"introduced":"1.0.0"}]}]}],
         "database_specific":{"cwe_ids":["CWE-1321"],"severity":"CRITICAL"}}
        """;

    // PyPI: Jinja2 sandbox escape (CVE-2019-10906), fixed in 2.10.1: pre-, post- and dev-releases around it.
    public const string Jinja2 = """
        {"id":"GHSA-462w-v97r-4m45","modified":"2024-01-01T00:00:00Z","published":"2019-04-10T14:30:24Z","aliases":["CVE-2019-10906","PYSEC-2019-217"],
         "summary":"Jinja2 sandbox escape via string formatting",
         "affected":[{"package":{"ecosystem":"PyPI","name":"jinja2"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.10.1"}]}]}],
         "database_specific":{"cwe_ids":["CWE-693"],"severity":"HIGH"}}
        """;

    // Maven: Log4Shell (CVE-2021-44228) in log4j-core: qualifiers (beta) and three ranges.
    public const string Log4Shell = """
        {"id":"GHSA-jfh8-c2jp-5v3q","modified":"2024-02-01T00:00:00Z","published":"2021-12-10T00:40:56Z","aliases":["CVE-2021-44228"],
         "summary":"Remote code injection in Log4j",
         "affected":[{"package":{"ecosystem":"Maven","name":"org.apache.logging.log4j:log4j-core"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.0-beta9"},{"fixed":"2.3.1"}]}]},
                     {"package":{"ecosystem":"Maven","name":"org.apache.logging.log4j:log4j-core"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.4"},{"fixed":"2.12.2"}]}]},
                     {"package":{"ecosystem":"Maven","name":"org.apache.logging.log4j:log4j-core"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.13.0"},{"fixed":"2.15.0"}]}]}],
         "database_specific":{"cwe_ids":["CWE-502","CWE-917"],"severity":"CRITICAL"}}
        """;

    // Maven, illustrative: Maven's order 1.0-alpha < 1.0 < 1.0-sp1, with last_affected.
    public const string MavenQualifiers = """
        {"id":"OSV-2099-0001","modified":"2025-01-01T00:00:00Z","summary":"illustrative: affects 1.0 only",
         "affected":[{"package":{"ecosystem":"Maven","name":"org.example:qualified"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"last_affected":"1.0"}]}]}]}
        """;

    // NuGet: System.Text.Encodings.Web remote code execution (CVE-2021-26701); names are case-insensitive.
    public const string EncodingsWeb = """
        {"id":"GHSA-ghhp-997w-qr28","modified":"2024-01-01T00:00:00Z","published":"2021-02-10T00:00:00Z","aliases":["CVE-2021-26701"],
         "summary":".NET Core Remote Code Execution Vulnerability",
         "affected":[{"package":{"ecosystem":"NuGet","name":"System.Text.Encodings.Web"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"4.0.0"},{"fixed":"4.5.1"}]}]},
                     {"package":{"ecosystem":"NuGet","name":"System.Text.Encodings.Web"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"5.0.0"},{"fixed":"5.0.1"}]}]}],
         "database_specific":{"cwe_ids":["CWE-94"],"severity":"CRITICAL"}}
        """;

    // RubyGems: rack shell escape in Lint and CommonLogger (CVE-2022-30123): four-part fixed versions.
    public const string Rack = """
        {"id":"GHSA-wq4h-7r42-5hrr","modified":"2024-01-01T00:00:00Z","published":"2022-05-27T00:00:00Z","aliases":["CVE-2022-30123"],
         "summary":"Possible shell escape sequence injection vulnerability in Rack",
         "affected":[{"package":{"ecosystem":"RubyGems","name":"rack"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.0.9.1"}]}]},
                     {"package":{"ecosystem":"RubyGems","name":"rack"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.1.0"},{"fixed":"2.1.4.1"}]}]},
                     {"package":{"ecosystem":"RubyGems","name":"rack"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.2.0"},{"fixed":"2.2.3.1"}]}]}],
         "database_specific":{"cwe_ids":["CWE-150"],"severity":"CRITICAL"}}
        """;

    // crates.io: smallvec buffer overflow in insert_many (RUSTSEC-2021-0003, CVE-2021-25900): SEMVER ranges.
    public const string Smallvec = """
        {"id":"RUSTSEC-2021-0003","modified":"2023-06-13T13:10:24Z","published":"2021-01-08T12:00:00Z","aliases":["CVE-2021-25900","GHSA-43w2-9j62-hq99"],
         "summary":"Buffer overflow in SmallVec::insert_many",
         "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
         "affected":[{"package":{"ecosystem":"crates.io","name":"smallvec"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0.6.3"},{"fixed":"0.6.14"},{"introduced":"1.0.0"},{"fixed":"1.6.1"}]}]}]}
        """;

    // Go: golang.org/x/crypto/ssh panic (CVE-2022-27191): fixed in a pseudo-version; also a GIT range, which is not evaluated.
    public const string XCrypto = """
        {"id":"GO-2021-0356","modified":"2024-05-20T16:03:47Z","published":"2022-04-25T20:38:40Z","aliases":["CVE-2022-27191","GHSA-8c26-wmh5-6g9v"],
         "summary":"Denial of service via crafted Signer in golang.org/x/crypto/ssh",
         "affected":[{"package":{"ecosystem":"Go","name":"golang.org/x/crypto"},"ranges":[
           {"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"0.0.0-20220314234659-1baeb1ce4c0b"}]},
           {"type":"GIT","repo":"https://go.googlesource.com/crypto","events":[{"introduced":"0"},{"fixed":"1baeb1ce4c0b006eff0f294c47cb7617598dfb3d"}]}]}]}
        """;

    // Illustrative: a withdrawn record, never reported.
    public const string Withdrawn = """
        {"id":"OSV-2099-0002","modified":"2025-01-02T00:00:00Z","withdrawn":"2025-01-02T00:00:00Z","summary":"illustrative: withdrawn, a false report",
         "affected":[{"package":{"ecosystem":"npm","name":"serve-static"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}
        """;

    // Illustrative: an ecosystem OSV has but this worker does not read (Hex), next to an npm entry that still matches.
    public const string OtherEcosystem = """
        {"id":"OSV-2099-0003","modified":"2025-01-03T00:00:00Z","summary":"illustrative: a Hex package and an npm one",
         "severity":[{"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}],
         "affected":[{"package":{"ecosystem":"Hex","name":"plug"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]},
                     {"package":{"ecosystem":"npm","name":"serve-static"},"versions":["1.7.1"]}]}
        """;

    // Illustrative: a range with a version that is not semver, next to one that is.
    public const string UnparsableRange = """
        {"id":"OSV-2099-0004","modified":"2025-01-04T00:00:00Z","summary":"illustrative: one range unparsable",
         "affected":[{"package":{"ecosystem":"npm","name":"serve-static"},"ranges":[
           {"type":"SEMVER","events":[{"introduced":"not-a-version"},{"fixed":"1.8.0"}]},
           {"type":"SEMVER","events":[{"introduced":"1.7.0"},{"fixed":"1.7.3"}]}]}]}
        """;

    // Breaks the OSV schema on purpose: a range event with two versions in it.
    public const string SchemaBreaking = """
        {"id":"OSV-2099-0005","modified":"2025-01-05T00:00:00Z",
         "affected":[{"package":{"ecosystem":"npm","name":"serve-static"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0","fixed":"9.9.9"}]}]}]}
        """;
}
