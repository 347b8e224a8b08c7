using Cucos.Reports.Ssdeep;
using System.Text;
using System.Text.Json;
using Cucos.Reports;
using Cucos.Reports.Diff;
using Cucos.Workers.Digests;

namespace Cucos.Tests.Diff;

/// <summary>The comparison and its renderings on hand-built result documents of two versions of one package.</summary>
[Trait("Category", "Unit")]
public sealed class VersionComparerTests
{
    private static readonly string Library = string.Concat(Enumerable.Range(0, 400).Select(i => $"function f{i}(a) {{ return a * {i}; }}\n"));
    private static readonly string LibraryEdited = Library.Replace("return a * 7;", "return a * 7 + 1;", StringComparison.Ordinal);

    private static AnalysisDocuments Version(string version, string results, string analysisId, string status = "succeeded", bool finished = true) => new()
    {
        AnalysisId = analysisId,
        Ecosystem = "npm",
        Name = "left-pad",
        Version = version,
        Status = status,
        FinishedAt = finished ? DateTimeOffset.UnixEpoch : null,
        Results = JsonDocument.Parse(results).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()),
    };

    private static string File(string path, string content) =>
        JsonSerializer.Serialize(new { path, size = Encoding.UTF8.GetByteCount(content), sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(content))),
            ssdeep = FuzzyHasher.Hash(Encoding.UTF8.GetBytes(content)) });

    private static readonly AnalysisDocuments Old = Version("1.0.0", $$"""
        {
          "init": { "summary": { "files": 3, "bytes": 9000 } },
          "digests": { "details": { "files": [ {{File("index.js", Library)}}, {{File("README.md", "readme")}}, {{File("old.js", "gone")}} ] } },
          "metadata": { "details": { "declared_license": { "expression": "MIT" } } },
          "source_licenses": { "details": { "expression": "MIT" } },
          "dependency_snapshot": { "details": { "dependencies": [
            { "name": "lodash", "spec": "^4.17.0", "resolved_version": "4.17.20" },
            { "name": "chalk", "spec": "^4.0.0", "resolved_version": "4.1.2" },
            { "name": "debug", "spec": "^2.0.0", "resolved_version": "2.6.9" } ] } },
          "supply_chain": { "details": { "risk": "low", "install_hooks": [], "signals": [ { "family": "network", "rule": "http-client" } ] } },
          "security_issues": { "details": { "vulnerabilities": [ { "id": "GHSA-old", "rating": "high" }, { "id": "GHSA-both", "rating": "low" } ] } }
        }
        """, "a1");

    private static readonly AnalysisDocuments New = Version("1.1.0", $$"""
        {
          "init": { "summary": { "files": 3, "bytes": 9500 } },
          "digests": { "details": { "files": [ {{File("index.js", LibraryEdited)}}, {{File("README.md", "readme")}}, {{File("install.js", "run()")}} ] } },
          "metadata": { "details": { "declared_license": { "expression": "MIT OR Apache-2.0" } } },
          "source_licenses": { "details": { "expression": "MIT" } },
          "dependency_snapshot": { "details": { "dependencies": [
            { "name": "lodash", "spec": "^4.17.0", "resolved_version": "4.17.21" },
            { "name": "chalk", "spec": "^5.0.0", "resolved_version": "5.3.0" },
            { "name": "axios", "spec": "^1.0.0", "resolved_version": "1.6.0" } ] } },
          "supply_chain": { "details": { "risk": "high", "install_hooks": [ { "hook": "postinstall", "command": "node install.js" } ],
            "signals": [ { "family": "network", "rule": "http-client" }, { "family": "process", "rule": "child-process" } ] } },
          "security_issues": { "details": { "vulnerabilities": [ { "id": "GHSA-both", "rating": "low" }, { "id": "GHSA-new", "rating": "critical" } ] } }
        }
        """, "b2");

    private static VersionDiff Diff() => VersionComparer.Compare(Old, New);

    [Fact]
    public void Files_added_removed_and_changed_with_the_ssdeep_similarity_of_the_changed_one()
    {
        var files = Diff().Files;
        Assert.Equal(["install.js"], files.Added.Select(f => f.Path));
        Assert.Equal(["old.js"], files.Removed.Select(f => f.Path));
        var changed = Assert.Single(files.Changed);
        Assert.Equal("index.js", changed.Path);
        Assert.InRange(changed.SsdeepSimilarity!.Value, 50, 99);
        Assert.Equal(1, files.Unchanged);
    }

    [Fact]
    public void Dependencies_added_removed_and_moved_in_range_or_resolved_version()
    {
        var dependencies = Diff().Dependencies;
        Assert.Equal(["axios"], dependencies.Added.Select(d => d.Name));
        Assert.Equal(["debug"], dependencies.Removed.Select(d => d.Name));
        Assert.Equal(["chalk", "lodash"], dependencies.Changed.Select(d => d.Name));
        var chalk = dependencies.Changed[0];
        Assert.Equal(new ValueChange("^4.0.0", "^5.0.0"), chalk.Spec);
        Assert.Equal(new ValueChange("4.1.2", "5.3.0"), chalk.ResolvedVersion);
        var lodash = dependencies.Changed[1];
        Assert.Null(lodash.Spec);
        Assert.Equal(new ValueChange("4.17.20", "4.17.21"), lodash.ResolvedVersion);
    }

    [Fact]
    public void Licences_supply_chain_advisories_and_size()
    {
        var diff = Diff();
        Assert.Equal(new ValueChange("MIT", "MIT OR Apache-2.0"), diff.Licences.Declared);
        Assert.Null(diff.Licences.Concluded);
        Assert.Equal([new InstallScript("postinstall", "node install.js")], diff.SupplyChain.InstallScriptsAdded);
        Assert.Equal([new Capability("process", "child-process")], diff.SupplyChain.CapabilitiesAdded);
        Assert.Empty(diff.SupplyChain.CapabilitiesRemoved);
        Assert.Equal(new ValueChange("low", "high"), diff.SupplyChain.Risk);
        Assert.Equal(["GHSA-old"], diff.Advisories.Fixed.Select(a => a.Id));
        Assert.Equal(["GHSA-new"], diff.Advisories.Introduced.Select(a => a.Id));
        Assert.Equal(["GHSA-both"], diff.Advisories.Remaining.Select(a => a.Id));
        Assert.Equal(500, diff.Size.BytesChange);
        Assert.Equal(0, diff.Size.FilesChange);
        Assert.Empty(diff.MissingResults);
    }

    [Fact]
    public void Advisories_of_dependencies_are_compared_by_package_and_id()
    {
        // lodash 4.17.20 -> 4.17.21 leaves GHSA-lodash; chalk 5 brings GHSA-chalk; GHSA-shared names two packages, and
        // moving from one to the other is a fix in one and an introduction in the other, not "remaining".
        var before = Version("1.0.0", """
            { "init": { "summary": { "files": 0, "bytes": 0 } },
              "security_issues": { "details": { "package": "left-pad", "version": "1.0.0", "vulnerabilities": [ { "id": "GHSA-own", "rating": "high" } ],
                "dependencies": [
                  { "dependency": "lodash", "package": null, "version": "4.17.20", "vulnerabilities": [ { "id": "GHSA-lodash", "rating": "high" }, { "id": "GHSA-shared", "rating": "low" } ] },
                  { "dependency": "chalk", "package": null, "version": "4.1.2", "vulnerabilities": [] } ] } } }
            """, "d1");
        var after = Version("1.1.0", """
            { "init": { "summary": { "files": 0, "bytes": 0 } },
              "security_issues": { "details": { "package": "left-pad", "version": "1.1.0", "vulnerabilities": [ { "id": "GHSA-own", "rating": "high" } ],
                "dependencies": [
                  { "dependency": "lodash", "package": null, "version": "4.17.21", "vulnerabilities": [] },
                  { "dependency": "chalk", "package": null, "version": "5.3.0", "vulnerabilities": [ { "id": "GHSA-chalk", "rating": "critical" }, { "id": "GHSA-shared", "rating": "low" } ] } ] } } }
            """, "d2");

        var advisories = VersionComparer.Compare(before, after).Advisories;

        Assert.Equal([("lodash", "GHSA-lodash", "4.17.20"), ("lodash", "GHSA-shared", "4.17.20")], advisories.Fixed.Select(a => (a.Package, a.Id, a.Version!)));
        Assert.Equal([("chalk", "GHSA-chalk", "5.3.0"), ("chalk", "GHSA-shared", "5.3.0")], advisories.Introduced.Select(a => (a.Package, a.Id, a.Version!)));
        Assert.All(advisories.Introduced, a => Assert.True(a.Dependency));
        var own = Assert.Single(advisories.Remaining);
        Assert.Equal(("left-pad", "GHSA-own", false), (own.Package, own.Id, own.Dependency));
        var table = DiffWriter.Table(VersionComparer.Compare(before, after));
        Assert.Contains("advisory introduced GHSA-chalk critical (dependency chalk@5.3.0)", table, StringComparison.Ordinal);
        Assert.Contains("advisory fixed      GHSA-lodash high (dependency lodash@4.17.20)", table, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_against_itself_has_no_changes()
    {
        var diff = VersionComparer.Compare(Old, Old);
        Assert.Empty(diff.Files.Added);
        Assert.Empty(diff.Files.Changed);
        Assert.Empty(diff.Dependencies.Changed);
        Assert.Empty(diff.SupplyChain.InstallScriptsAdded);
        Assert.Empty(diff.Advisories.Introduced);
        Assert.Null(diff.Licences.Declared);
    }

    [Fact]
    public void Different_packages_are_refused_with_what_to_give_instead()
    {
        var other = Old with { Name = "right-pad" };
        var error = Assert.Throws<DiffException>(() => VersionComparer.Compare(Old, other));
        Assert.Contains("npm:left-pad@1.0.0 and npm:right-pad@1.0.0 are different packages", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unfinished_or_failed_analysis_is_refused()
    {
        var running = Old with { Status = "running", FinishedAt = null };
        Assert.Contains("has not finished (it is running)", Assert.Throws<DiffException>(() => VersionComparer.Compare(running, New)).Message, StringComparison.Ordinal);
        var failed = Version("1.1.0", "{}", "f3", status: "failed");
        Assert.Contains("ended failed without the package's files", Assert.Throws<DiffException>(() => VersionComparer.Compare(Old, failed)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_is_snake_case_and_reads_back_to_the_same_diff()
    {
        var diff = Diff();
        var json = DiffWriter.Json(diff);
        using var document = JsonDocument.Parse(json);
        Assert.Equal("postinstall", document.RootElement.GetProperty("supply_chain").GetProperty("install_scripts_added")[0].GetProperty("hook").GetString());
        Assert.Equal(500, document.RootElement.GetProperty("size").GetProperty("bytes_change").GetInt64());
        Assert.True(document.RootElement.GetProperty("files").GetProperty("changed")[0].TryGetProperty("ssdeep_similarity", out _));
        Assert.Equal(json, DiffWriter.Json(DiffWriter.ParseJson(json)!));
    }

    [Fact]
    public void Table_and_markdown_name_what_the_upgrade_brings_in()
    {
        var table = DiffWriter.Table(Diff());
        Assert.Contains("npm:left-pad 1.0.0 -> 1.1.0", table, StringComparison.Ordinal);
        Assert.Contains("+ install.js", table, StringComparison.Ordinal);
        Assert.Contains("~ chalk range ^4.0.0 -> ^5.0.0, resolved 4.1.2 -> 5.3.0", table, StringComparison.Ordinal);
        Assert.Contains("new install script  postinstall: node install.js", table, StringComparison.Ordinal);
        Assert.Contains("advisory introduced GHSA-new critical", table, StringComparison.Ordinal);
        var markdown = DiffWriter.Markdown(Diff());
        Assert.Contains("| Files | 1 added, 1 removed, 1 changed |", markdown, StringComparison.Ordinal);
        Assert.Contains("new install script `postinstall`: `node install.js`", markdown, StringComparison.Ordinal);
        Assert.Contains("| Declared licence | `MIT` → `MIT OR Apache-2.0` |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_format_names_the_formats()
    {
        Assert.Equal(DiffFormat.Markdown, DiffWriter.ParseFormat("markdown"));
        Assert.Contains("give table, json or markdown", Assert.Throws<DiffException>(() => DiffWriter.ParseFormat("xml")).Message, StringComparison.Ordinal);
    }
}
