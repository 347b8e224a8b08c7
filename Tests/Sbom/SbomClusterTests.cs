using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cucos.Client;
using Cucos.Grains.Hosting;
using Cucos.Messages;
using Cucos.Reports;
using Cucos.Reports.Purl;
using Cucos.Reports.Sbom;
using Cucos.State;
using Cucos.Tests.SecurityIssues;
using Cucos.Tests.Support;
using Cucos.Workers.Dependencies;
using Cucos.Workers.Ecosystems.Npm;
using Cucos.Workers.Ecosystems.Nuget;
using Cucos.Workers.Registries;
using Cucos.Workers.SecurityIssues;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Cucos.Tests.Sbom;

/// <summary>
/// Whole analyses of npm, PyPI, Maven and NuGet packages from one loopback registry on an in-process cluster, then their
/// SBOMs through the Orleans client: schema-valid in both formats, the CycloneDX component set equal to what metadata and
/// dependency_snapshot stored, the deeper level from the dependency's own analysis, vulnerabilities and crypto assets.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class SbomClusterTests : IAsyncLifetime
{
    private static readonly string[] Tasks = ["digests", "metadata", "dependency_snapshot", "source_licenses", "crypto_algorithms", SecurityIssuesTask.TaskName];
    private readonly TempDirectory work = new("cucos-sbom-cluster");
    private readonly RegistryServer registry = new();
    private InProcessTestCluster cluster = null!;
    private ICucosClient client = null!;

    public async Task InitializeAsync()
    {
        ServeNpm("serve-static", "1.7.1", """
            {"name": "serve-static", "version": "1.7.1", "license": "MIT", "description": "Serve static files",
             "author": "Jane Doe <jane@example.org>", "homepage": "https://example.org/serve-static",
             "repository": {"type": "git", "url": "https://example.org/git/serve-static.git"},
             "bugs": {"url": "https://example.org/serve-static/issues"},
             "dependencies": {"lodash": "^4.17.0"}}
            """, ("index.js", "const crypto = require('crypto');\nmodule.exports = (s) => crypto.createHash('md5').update(s).digest('hex');\n"));
        ServeNpm("lodash", "4.17.11", """{"name": "lodash", "version": "4.17.11", "license": "MIT", "dependencies": {"ms": "^2.1.0"}}""",
            ("lodash.js", "module.exports = {};\n"));
        ServeNpm("ms", "2.1.3", """{"name": "ms", "version": "2.1.3", "license": "MIT"}""", ("index.js", "module.exports = 1;\n"));
        work.WriteFile("home/.npmrc", Encoding.UTF8.GetBytes($"registry={registry.BaseUrl}npm/\n"));
        OsvFixtures.WriteZip(work, "advisories/npm", OsvFixtures.ServeStatic, OsvFixtures.Lodash);

        var sdist = ArchiveBuilder.TarBytes(gzip: true, w => w.AddFile("fixture-1.0.0/PKG-INFO", Encoding.UTF8.GetBytes(
            "Metadata-Version: 2.1\nName: fixture\nVersion: 1.0.0\nSummary: A fixture\nHome-page: https://example.org/fixture\n" +
            "Author: Jane Doe\nAuthor-email: jane@example.org\nLicense: MIT\nRequires-Dist: requests>=2.0\n\nA fixture.\n")));
        Registries.RegistryTestSupport.PyPiRelease(registry, "fixture", "1.0.0", ("sdist", "fixture-1.0.0.tar.gz", sdist, null));

        var pom = Encoding.UTF8.GetBytes("""
            <project><modelVersion>4.0.0</modelVersion><groupId>org.example</groupId><artifactId>lib</artifactId><version>1.0</version>
              <url>https://example.org/lib</url><licenses><license><name>Apache-2.0</name></license></licenses>
              <dependencies><dependency><groupId>commons-io</groupId><artifactId>commons-io</artifactId><version>2.11.0</version></dependency></dependencies>
            </project>
            """);
        var jar = ArchiveBuilder.ZipBytes(zip =>
        {
            zip.AddFile("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"u8.ToArray());
            zip.AddFile("META-INF/maven/org.example/lib/pom.xml", pom);
        });
        foreach (var (file, content) in new[] { ("lib-1.0.jar", jar), ("lib-1.0.pom", pom) })
        {
            registry.Map($"/maven2/org/example/lib/1.0/{file}", Reply.File(content));
            registry.Map($"/maven2/org/example/lib/1.0/{file}.sha1", Reply.Text(Registries.RegistryTestSupport.Sha1(content)));
        }

        const string nuspec = """
            <?xml version="1.0"?><package><metadata><id>Fixture.Lib</id><version>1.0.0</version><authors>Jane Doe</authors>
            <license type="expression">MIT</license><projectUrl>https://example.org/fixture-lib</projectUrl><description>A fixture</description>
            <dependencies><group targetFramework="net8.0"><dependency id="Newtonsoft.Json" version="13.0.1" /></group></dependencies></metadata></package>
            """;
        var nupkg = ArchiveBuilder.ZipBytes(zip =>
        {
            zip.AddFile("Fixture.Lib.nuspec", Encoding.UTF8.GetBytes(nuspec));
            zip.AddFile("lib/net8.0/Fixture.Lib.dll", new byte[64]);
        });
        registry.Map("/v3/index.json", Reply.Json(new Dictionary<string, object>
        {
            ["version"] = "3.0.0",
            ["resources"] = new[]
            {
                new Dictionary<string, string> { ["@id"] = registry.Url("/v3/flat"), ["@type"] = "PackageBaseAddress/3.0.0" },
            },
        }));
        registry.Map("/v3/flat/fixture.lib/index.json", Reply.Json(new { versions = new[] { "1.0.0" } }));
        registry.Map("/v3/flat/fixture.lib/1.0.0/fixture.lib.1.0.0.nupkg", Reply.File(nupkg));
        registry.Map("/v3/flat/fixture.lib/1.0.0/fixture.lib.nuspec", Reply.Text(nuspec, "application/xml"));
        var nugetConfig = work.WriteFile("NuGet.Config", Encoding.UTF8.GetBytes($"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="loopback" value="{registry.Url("/v3/index.json")}" protocolVersion="3" /></packageSources></configuration>
            """));

        var builder = ClusterFixture.CreateBuilder(work.Combine("cache"), silo => silo.UseCucosInMemoryStorage());
        builder.ConfigureSiloHost((_, host) => host.Services
            .AddSingleton(new NpmConfigSource(work.Path, work.Combine("home"), new Dictionary<string, string>(), AskNpm: false))
            .AddSingleton(new NuGetConfigSource(work.Path, nugetConfig))
            .AddSingleton(new RegistrySettings(new Dictionary<string, string>
            {
                ["pypi"] = registry.BaseUrl.AbsoluteUri,
                ["maven"] = registry.Url("/maven2/"),
            }))
            .AddSingleton(new AdvisorySettings(work.Combine("advisories"), null)));
        cluster = builder.Build();
        await cluster.DeployAsync();
        client = cluster.Client.ServiceProvider.GetRequiredService<ICucosClient>();
    }

    private void ServeNpm(string name, string version, string packageJson, params (string Path, string Content)[] files)
    {
        var tarball = ArchiveBuilder.TarBytes(gzip: true, w =>
        {
            w.AddFile("package/package.json", Encoding.UTF8.GetBytes(packageJson));
            foreach (var (path, content) in files)
                w.AddFile("package/" + path, Encoding.UTF8.GetBytes(content));
        });
        registry.Map($"/npm/{name}", Reply.Json(new Dictionary<string, object>
        {
            ["name"] = name,
            ["dist-tags"] = new { latest = version },
            ["versions"] = new Dictionary<string, object>
            {
                [version] = new
                {
                    name,
                    version,
                    dist = new { tarball = registry.Url($"/npm/{name}/-/{name}-{version}.tgz"), integrity = "sha512-" + Convert.ToBase64String(SHA512.HashData(tarball)) },
                },
            },
        }));
        registry.Map($"/npm/{name}/-/{name}-{version}.tgz", Reply.File(tarball));
    }

    /// <summary>Analyses the package and waits for it and every dependency analysis it started, so the deeper levels exist.</summary>
    private async Task<AnalysisSnapshot> AnalyseAsync(string package, int depth = 0)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var request = AnalysisRequest.ParsePackage(package, tasks: Tasks) with
        {
            Parameters = depth > 0 ? new() { [DependencySnapshotTask.DepthParameter] = depth.ToString(System.Globalization.CultureInfo.InvariantCulture) } : null,
        };
        var analysis = await client.WaitForCompletionAsync((await client.StartAnalysisAsync(request)).AnalysisId, timeout.Token);
        Assert.True(analysis.Status == AnalysisStatus.Succeeded, $"{package}: {analysis.Status}: " +
            string.Join("; ", analysis.Tasks.Where(t => t.Value.Status != AnalysisTaskStatus.Succeeded).Select(t => $"{t.Key} {t.Value.Status} {t.Value.Error?.Message} {t.Value.SkipReason}")));
        var pending = new Queue<string>([analysis.AnalysisId]);
        var seen = new HashSet<string>();
        while (pending.TryDequeue(out var id))
        {
            if (!seen.Add(id))
                continue;
            await client.WaitForCompletionAsync(id, timeout.Token);
            if (await client.GetResultAsync(id, "dependency_snapshot") is { } snapshot)
                foreach (var started in snapshot.GetProperty("details").GetProperty("analyses").GetProperty("started").EnumerateArray())
                    pending.Enqueue(started.GetProperty("analysis_id").GetString()!);
        }
        return analysis;
    }

    private async Task<(JsonElement CycloneDx, JsonElement Spdx)> SbomsAsync(string analysisId)
    {
        var cyclonedx = JsonDocument.Parse((await client.GetSbomAsync(analysisId, SbomFormat.CycloneDx))!).RootElement;
        var spdx = JsonDocument.Parse((await client.GetSbomAsync(analysisId, SbomFormat.Spdx))!).RootElement;
        SbomSchemas.AssertValidCycloneDx(cyclonedx);
        SbomSchemas.AssertValidSpdx(spdx);
        return (cyclonedx, spdx);
    }

    /// <summary>The round trip: the library components are exactly the root of metadata and the dependencies of dependency_snapshot.</summary>
    private async Task AssertComponentsAreTheStoredResultsAsync(AnalysisSnapshot analysis, JsonElement bom, string purlType)
    {
        var metadata = (await client.GetResultAsync(analysis.AnalysisId, "metadata"))!.Value;
        var snapshot = (await client.GetResultAsync(analysis.AnalysisId, "dependency_snapshot"))!.Value;
        var root = bom.GetProperty("metadata").GetProperty("component");
        var expectedRoot = PurlTypes.ForPackage(purlType, analysis.Request.Name, analysis.Request.Version).ToString();
        Assert.Equal(expectedRoot, root.GetProperty("purl").GetString());
        Assert.Equal(metadata.GetProperty("details").GetProperty("version").GetString(), root.GetProperty("version").GetString());
        var expected = snapshot.GetProperty("details").GetProperty("dependencies").EnumerateArray()
            .Select(d => PurlTypes.ForPackage(purlType, d.GetProperty("package").GetString() ?? d.GetProperty("name").GetString()!,
                d.GetProperty("resolved_version").GetString()).ToString())
            .Order(StringComparer.Ordinal).ToArray();
        var direct = SbomSchemas.Items(bom, "dependencies").Single(d => d.GetProperty("ref").GetString() == expectedRoot);
        Assert.Equal(expected, SbomSchemas.Items(direct, "dependsOn").Select(d => d.GetString()!).Order(StringComparer.Ordinal));
        var declared = metadata.GetProperty("details").GetProperty("dependencies").GetArrayLength();
        Assert.Equal(declared, expected.Length);
    }

    [Fact]
    public async Task An_npm_package_gives_its_purl_hashes_licences_references_dependency_levels_vulnerabilities_and_crypto()
    {
        var analysis = await AnalyseAsync("npm:serve-static@1.7.1", depth: 2);
        var (bom, spdx) = await SbomsAsync(analysis.AnalysisId);
        await AssertComponentsAreTheStoredResultsAsync(analysis, bom, "npm");

        var root = bom.GetProperty("metadata").GetProperty("component");
        var init = (await client.GetResultAsync(analysis.AnalysisId, "init"))!.Value.GetProperty("details").GetProperty("artifact");
        foreach (var (alg, field) in new[] { ("SHA-1", "sha1"), ("SHA-256", "sha256"), ("SHA-512", "sha512") })
            Assert.Contains(SbomSchemas.Items(root, "hashes"), h => h.GetProperty("alg").GetString() == alg && h.GetProperty("content").GetString() == init.GetProperty(field).GetString());
        Assert.Contains(SbomSchemas.Items(root, "licenses"), l => l.GetProperty("license").GetProperty("id").GetString() == "MIT"
            && l.GetProperty("license").GetProperty("acknowledgement").GetString() == "declared");
        Assert.Equal("Jane Doe", SbomSchemas.Items(root, "authors").Single().GetProperty("name").GetString());
        var references = SbomSchemas.Items(root, "externalReferences").ToDictionary(r => r.GetProperty("type").GetString()!, r => r.GetProperty("url").GetString());
        Assert.Equal("https://example.org/serve-static", references["website"]);
        Assert.Equal("https://example.org/serve-static/issues", references["issue-tracker"]);
        Assert.Contains("serve-static", references["vcs"]);
        Assert.Equal(registry.Url("/npm/serve-static/-/serve-static-1.7.1.tgz"), references["distribution"]);

        // The deeper level comes from lodash's own analysis: lodash depends on ms.
        var edges = SbomSchemas.Items(bom, "dependencies").ToDictionary(d => d.GetProperty("ref").GetString()!, d => SbomSchemas.Items(d, "dependsOn").Select(x => x.GetString()!).ToArray());
        Assert.Equal(["pkg:npm/lodash@4.17.11"], edges["pkg:npm/serve-static@1.7.1"]);
        Assert.Equal(["pkg:npm/ms@2.1.3"], edges["pkg:npm/lodash@4.17.11"]);
        Assert.Equal(["pkg:npm/lodash@4.17.11", "pkg:npm/ms@2.1.3"],
            SbomSchemas.Items(bom, "components").Where(c => c.GetProperty("type").GetString() == "library").Select(c => c.GetProperty("purl").GetString()).Order());

        // The package's own advisory and its dependency's, with CWEs, ratings and what to do.
        var vulnerabilities = SbomSchemas.Items(bom, "vulnerabilities").ToDictionary(v => v.GetProperty("id").GetString()!);
        var own = vulnerabilities["GHSA-c3x7-gjmx-r2ff"];
        Assert.Equal([601], SbomSchemas.Items(own, "cwes").Select(c => c.GetInt32()));
        Assert.Equal("upgrade to 1.7.2", own.GetProperty("recommendation").GetString());
        Assert.Equal("pkg:npm/serve-static@1.7.1", SbomSchemas.Items(own, "affects").Single().GetProperty("ref").GetString());
        Assert.Contains(SbomSchemas.Items(own, "references"), r => r.GetProperty("id").GetString() == "CVE-2015-1164");
        var lodash = vulnerabilities["GHSA-jf85-cpcp-j695"];
        Assert.Equal("pkg:npm/lodash@4.17.11", SbomSchemas.Items(lodash, "affects").Single().GetProperty("ref").GetString());
        var rating = SbomSchemas.Items(lodash, "ratings").Single();
        Assert.Equal("CVSSv31", rating.GetProperty("method").GetString());
        Assert.Equal("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H", rating.GetProperty("vector").GetString());
        Assert.Equal([1321, 20], SbomSchemas.Items(lodash, "cwes").Select(c => c.GetInt32()));

        // MD5 in index.js is a cryptographic asset the package provides.
        var md5 = SbomSchemas.Items(bom, "components").Single(c => c.GetProperty("type").GetString() == "cryptographic-asset" && c.GetProperty("name").GetString() == "MD5");
        Assert.Equal("hash", md5.GetProperty("cryptoProperties").GetProperty("algorithmProperties").GetProperty("primitive").GetString());
        Assert.Contains("crypto:MD5", SbomSchemas.Items(SbomSchemas.Items(bom, "dependencies").Single(d => d.GetProperty("ref").GetString() == "pkg:npm/serve-static@1.7.1"), "provides").Select(p => p.GetString()));

        // SPDX: the same packages and edges, files under the root with a verification code.
        var packages = SbomSchemas.Items(spdx, "packages").ToDictionary(p => p.GetProperty("SPDXID").GetString()!,
            p => SbomSchemas.Items(p, "externalRefs").First(r => r.GetProperty("referenceType").GetString() == "purl").GetProperty("referenceLocator").GetString());
        Assert.Equal(["pkg:npm/lodash@4.17.11", "pkg:npm/ms@2.1.3", "pkg:npm/serve-static@1.7.1"], packages.Values.Order());
        var dependsOn = SbomSchemas.Items(spdx, "relationships").Where(r => r.GetProperty("relationshipType").GetString() == "DEPENDS_ON")
            .Select(r => $"{packages[r.GetProperty("spdxElementId").GetString()!]} -> {packages[r.GetProperty("relatedSpdxElement").GetString()!]}").Order();
        Assert.Equal(["pkg:npm/lodash@4.17.11 -> pkg:npm/ms@2.1.3", "pkg:npm/serve-static@1.7.1 -> pkg:npm/lodash@4.17.11"], dependsOn);
        var rootPackage = SbomSchemas.Items(spdx, "packages").Single(p => p.GetProperty("SPDXID").GetString() == SpdxWriter.RootId);
        Assert.Equal("MIT", rootPackage.GetProperty("licenseDeclared").GetString());
        Assert.Equal(init.GetProperty("sha1").GetString(), SbomSchemas.Items(rootPackage, "checksums").Single(c => c.GetProperty("algorithm").GetString() == "SHA1").GetProperty("checksumValue").GetString());
        Assert.Equal(2, spdx.GetProperty("files").GetArrayLength());
    }

    [Theory]
    [InlineData("pypi:fixture@1.0.0", "pypi")]
    [InlineData("maven:org.example:lib@1.0", "maven")]
    [InlineData("nuget:Fixture.Lib@1.0.0", "nuget")]
    public async Task PyPI_Maven_and_NuGet_packages_give_schema_valid_SBOMs_of_their_stored_results(string package, string purlType)
    {
        var analysis = await AnalyseAsync(package);
        var (bom, spdx) = await SbomsAsync(analysis.AnalysisId);
        await AssertComponentsAreTheStoredResultsAsync(analysis, bom, purlType);
        Assert.NotEmpty(SbomSchemas.Items(bom.GetProperty("metadata").GetProperty("component"), "hashes"));
        Assert.Equal($"{analysis.Request.Ecosystem}:{analysis.Request.Name}@{analysis.Request.Version}", spdx.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Unknown_and_failed_analyses_are_refused_clearly()
    {
        Assert.Null(await client.GetSbomAsync("0123456789abcdef0123456789abcdef", SbomFormat.CycloneDx));

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var failed = await client.WaitForCompletionAsync((await client.StartAnalysisAsync(AnalysisRequest.ParsePackage("npm:no-such-package@1.0.0", tasks: ["digests"]))).AnalysisId, timeout.Token);
        Assert.Equal(AnalysisStatus.Failed, failed.Status);
        var error = await Assert.ThrowsAsync<SbomException>(() => client.GetSbomAsync(failed.AnalysisId, SbomFormat.Spdx));
        Assert.Contains("has no init or metadata result, so there is no package to describe", error.Message);
    }

    public async Task DisposeAsync()
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
        registry.Dispose();
        work.Dispose();
    }
}
