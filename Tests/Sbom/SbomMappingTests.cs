using System.Text.Json;
using Cucos.Reports;
using Cucos.Reports.Sbom;

namespace Cucos.Tests.Sbom;

/// <summary>
/// The mapping's harder cases on result documents in the workers' shapes: compound and LicenseRef licences, an
/// unresolved dependency, a dependency cycle across analyses, every crypto category and a CVSS 4 rating, each
/// document schema-valid with every reference declared.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SbomMappingTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static AnalysisDocuments Analysis(string id, string name, string version, string dependencies, string started, string? licenses = null, Dictionary<string, JsonElement>? more = null)
    {
        var results = new Dictionary<string, JsonElement>
        {
            ["init"] = Json($$$$"""{"details": {"download_url": null, "artifact": {"sha1": "{{{{new string('a', 40)}}}}", "sha256": "{{{{new string('b', 64)}}}}"}}}"""),
            ["metadata"] = Json($$$$"""{"details": {"name": "{{{{name}}}}", "version": "{{{{version}}}}", "declared_license": {"raw": "MIT or Apache 2", "expression": "MIT OR Apache-2.0"}}}"""),
            ["dependency_snapshot"] = Json($$$$"""{"details": {"ecosystem": "npm", "dependencies": [{{{{dependencies}}}}], "analyses": {"requested_depth": 2, "status": "started", "started": [{{{{started}}}}]}}}"""),
        };
        if (licenses is not null)
            results["source_licenses"] = Json(licenses);
        foreach (var (task, document) in more ?? [])
            results[task] = document;
        return new AnalysisDocuments { AnalysisId = id, Ecosystem = "npm", Name = name, Version = version, CreatedAt = DateTimeOffset.UnixEpoch, Results = results };
    }

    private static string Dependency(string name, string? version) =>
        $$"""{"name": "{{name}}", "spec": "^1.0.0", "package": null, "resolved_version": {{(version is null ? "null" : $"\"{version}\"")}}, "reason": {{(version is null ? "\"no version matches ^1.0.0\"" : "null")}}, "status": null}""";

    private static string Started(string name, string version, string id) =>
        $$"""{"ecosystem": "npm", "name": "{{name}}", "version": "{{version}}", "analysis_id": "{{id}}", "created": true}""";

    private static AnalysisDocuments Cycle()
    {
        var crypto = Json("""
            {"details": {"algorithms": [
              {"name": "AES", "category": "symmetric_cipher", "matches": 2, "files": 1, "weak": false, "weak_reason": null},
              {"name": "RC4", "category": "symmetric_cipher", "matches": 1, "files": 1, "weak": true, "weak_reason": "broken stream cipher"},
              {"name": "GCM mode", "category": "mode", "matches": 1, "files": 1, "weak": false, "weak_reason": null},
              {"name": "ECDSA", "category": "asymmetric", "matches": 1, "files": 1, "weak": false, "weak_reason": null},
              {"name": "ECDH", "category": "asymmetric", "matches": 1, "files": 1, "weak": false, "weak_reason": null},
              {"name": "TLS 1.2/1.3", "category": "protocol", "matches": 1, "files": 1, "weak": false, "weak_reason": null},
              {"name": "X.509 certificate", "category": "key_material", "matches": 1, "files": 1, "weak": false, "weak_reason": null},
              {"name": "Private key", "category": "key_material", "matches": 1, "files": 1, "weak": false, "weak_reason": null},
              {"name": "OpenSSL", "category": "library", "matches": 1, "files": 1, "weak": false, "weak_reason": null}]}}
            """);
        var security = Json("""
            {"details": {"vulnerabilities": [], "dependencies": [{"dependency": "b", "package": null, "version": "1.0.0", "vulnerabilities": [
              {"id": "GHSA-aaaa-bbbb-cccc", "aliases": ["CVE-2024-0001", "CVE-2024-0001"], "summary": "bad", "rating": "high", "score": 8.7,
               "severity": [{"type": "CVSS_V4", "vector": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N", "score": 8.7, "rating": "high"}],
               "cwe_ids": ["CWE-79", "not-a-cwe"], "published": "2024-01-01T00:00:00Z", "modified": "2024-02-01T00:00:00Z",
               "references": [{"type": "ADVISORY", "url": "https://example.org/a"}, {"type": "WEB", "url": "https://example.org/a"}],
               "advice": "upgrade to 1.0.1", "fixed_versions": ["1.0.1"]}]}]}}
            """);
        var files = Json($$$"""{"details": {"files": [{"path": "index.js", "size": 3, "md5": "{{{new string('1', 32)}}}", "sha1": "{{{new string('2', 40)}}}", "sha256": "{{{new string('3', 64)}}}"}]}}""");
        var b = Analysis("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "b", "1.0.0", Dependency("a", "1.0.0"), Started("a", "1.0.0", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        return Analysis("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "a", "1.0.0",
            Dependency("b", "1.0.0") + "," + Dependency("c", null), Started("b", "1.0.0", b.AnalysisId),
            """{"summary": {"expression": "MIT AND LicenseRef-scancode-public-domain", "declared": "MIT OR Apache-2.0"}}""",
            new() { ["crypto_algorithms"] = crypto, ["security_issues"] = security, ["digests"] = files }) with { DependencyAnalyses = [b] };
    }

    [Fact]
    public void A_cycle_across_analyses_is_expanded_once_and_every_document_is_valid()
    {
        var bom = JsonDocument.Parse(SbomWriter.Render(SbomFormat.CycloneDx, Cycle())).RootElement;
        var spdx = JsonDocument.Parse(SbomWriter.Render(SbomFormat.Spdx, Cycle())).RootElement;
        SbomSchemas.AssertValidCycloneDx(bom);
        SbomSchemas.AssertValidSpdx(spdx);

        var edges = SbomSchemas.Items(bom, "dependencies").ToDictionary(d => d.GetProperty("ref").GetString()!, d => SbomSchemas.Items(d, "dependsOn").Select(x => x.GetString()!).ToArray());
        Assert.Equal(["pkg:npm/b@1.0.0", "pkg:npm/c"], edges["pkg:npm/a@1.0.0"]);
        Assert.Equal(["pkg:npm/a@1.0.0"], edges["pkg:npm/b@1.0.0"]);
        Assert.False(edges.ContainsKey("pkg:npm/c"), "an unresolved dependency's own dependencies are unknown, not none");
        var unresolved = SbomSchemas.Items(bom, "components").Single(c => c.GetProperty("bom-ref").GetString() == "pkg:npm/c");
        Assert.Contains(SbomSchemas.Items(unresolved, "properties"), p => p.GetProperty("name").GetString() == "cucos:unresolved" && p.GetProperty("value").GetString() == "no version matches ^1.0.0");
        Assert.Equal("urn:uuid:aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa", bom.GetProperty("serialNumber").GetString());
    }

    [Fact]
    public void Compound_licences_are_one_expression_with_the_declared_one_kept_as_a_property()
    {
        var bom = JsonDocument.Parse(SbomWriter.Render(SbomFormat.CycloneDx, Cycle())).RootElement;
        var root = bom.GetProperty("metadata").GetProperty("component");
        var licence = Assert.Single(SbomSchemas.Items(root, "licenses"));
        Assert.Equal("MIT AND LicenseRef-scancode-public-domain", licence.GetProperty("expression").GetString());
        Assert.Equal("concluded", licence.GetProperty("acknowledgement").GetString());
        Assert.Contains(SbomSchemas.Items(root, "properties"), p => p.GetProperty("name").GetString() == "cucos:declared_license" && p.GetProperty("value").GetString() == "MIT OR Apache-2.0");

        var spdx = JsonDocument.Parse(SbomWriter.Render(SbomFormat.Spdx, Cycle())).RootElement;
        Assert.Equal("LicenseRef-scancode-public-domain", SbomSchemas.Items(spdx, "hasExtractedLicensingInfos").Single().GetProperty("licenseId").GetString());
        var rootPackage = SbomSchemas.Items(spdx, "packages").First();
        Assert.Equal("MIT OR Apache-2.0", rootPackage.GetProperty("licenseDeclared").GetString());
        Assert.Equal("MIT AND LicenseRef-scancode-public-domain", rootPackage.GetProperty("licenseConcluded").GetString());
    }

    [Fact]
    public void Crypto_assets_and_a_CVSS_4_vulnerability_of_a_dependency_use_the_CycloneDX_1_6_fields()
    {
        var bom = JsonDocument.Parse(SbomWriter.Render(SbomFormat.CycloneDx, Cycle())).RootElement;
        var crypto = SbomSchemas.Items(bom, "components").Where(c => c.GetProperty("type").GetString() == "cryptographic-asset")
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("cryptoProperties"));
        Assert.Equal("block-cipher", crypto["AES"].GetProperty("algorithmProperties").GetProperty("primitive").GetString());
        Assert.Equal("stream-cipher", crypto["RC4"].GetProperty("algorithmProperties").GetProperty("primitive").GetString());
        Assert.Equal("gcm", crypto["GCM mode"].GetProperty("algorithmProperties").GetProperty("mode").GetString());
        Assert.Equal("signature", crypto["ECDSA"].GetProperty("algorithmProperties").GetProperty("primitive").GetString());
        Assert.Equal("key-agree", crypto["ECDH"].GetProperty("algorithmProperties").GetProperty("primitive").GetString());
        Assert.Equal("tls", crypto["TLS 1.2/1.3"].GetProperty("protocolProperties").GetProperty("type").GetString());
        Assert.Equal("certificate", crypto["X.509 certificate"].GetProperty("assetType").GetString());
        Assert.Equal("private-key", crypto["Private key"].GetProperty("relatedCryptoMaterialProperties").GetProperty("type").GetString());
        Assert.False(crypto.ContainsKey("OpenSSL"), "a library is not a cryptographic asset");

        var vulnerability = SbomSchemas.Items(bom, "vulnerabilities").Single();
        Assert.Equal("pkg:npm/b@1.0.0", SbomSchemas.Items(vulnerability, "affects").Single().GetProperty("ref").GetString());
        var rating = SbomSchemas.Items(vulnerability, "ratings").Single();
        Assert.Equal("CVSSv4", rating.GetProperty("method").GetString());
        Assert.Equal(8.7, rating.GetProperty("score").GetDouble());
        Assert.Equal([79], SbomSchemas.Items(vulnerability, "cwes").Select(c => c.GetInt32()));
        Assert.Single(SbomSchemas.Items(vulnerability, "references"));
        Assert.Single(SbomSchemas.Items(vulnerability, "advisories"));
    }

    [Theory]
    [InlineData("CycloneDX", SbomFormat.CycloneDx)]
    [InlineData(" spdx ", SbomFormat.Spdx)]
    public void Format_names_are_read_case_insensitively(string name, SbomFormat format) => Assert.Equal(format, SbomWriter.ParseFormat(name));

    [Fact]
    public void An_analysis_without_init_and_metadata_is_refused_saying_why()
    {
        var empty = new AnalysisDocuments { AnalysisId = "f".PadLeft(32, '0'), Ecosystem = "npm", Name = "x", Version = "1", Status = "failed" };
        var error = Assert.Throws<SbomException>(() => SbomWriter.Render(SbomFormat.Spdx, empty));
        Assert.Contains("has no init or metadata result, so there is no package to describe (its status is failed)", error.Message);
        Assert.Equal("'xml' is not an SBOM format: give one of cyclonedx, spdx.", Assert.Throws<SbomException>(() => SbomWriter.ParseFormat("xml")).Message);
    }
}
