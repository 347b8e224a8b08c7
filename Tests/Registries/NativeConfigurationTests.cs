using System.Net.Http.Headers;
using System.Text;
using Cucos.Sdk.Ecosystems;
using Cucos.Tests.Support;
using Cucos.Workers.Ecosystems.Crates;
using Cucos.Workers.Ecosystems.Go;
using Cucos.Workers.Ecosystems.Maven;
using Cucos.Workers.Ecosystems.PyPi;
using Cucos.Workers.Ecosystems.RubyGems;
using Cucos.Workers.Registries;

using static Cucos.Tests.Registries.RegistryTestSupport;

namespace Cucos.Tests.Registries;

/// <summary>
/// Each ecosystem's own client configuration (pip.conf, GOPROXY, settings.xml, Cargo's config.toml, .gemrc) read
/// from a home folder of the test's own, and the registries fetched through it from loopback servers that speak
/// the protocols those files point at (PEP 503/691 indexes, Cargo sparse indexes, a Maven mirror with credentials).
/// </summary>
[Trait("Category", "Unit")]
public sealed class NativeConfigurationTests : IDisposable
{
    private readonly TempDirectory home = new("cucos-native-home");
    private readonly TempDirectory work = new("cucos-native-work");
    private readonly RegistryServer server = new();
    private readonly Dictionary<string, string> environment = new(StringComparer.Ordinal) { ["XDG_CONFIG_DIRS"] = "/nonexistent-cucos-test" };

    private UserEnvironment User => new(work.Path, home.Path, environment, AskTools: false);

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(home.Path, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private RegistrySettings Native(params INativeRegistryConfiguration[] native) => new(new Dictionary<string, string>(), native);

    // ---- pip

    [Fact]
    public void Pip_reads_index_url_from_the_user_file_with_install_over_global_and_the_environment_over_both()
    {
        Write(".config/pip/pip.conf", "[global]\nindex-url = https://global.example/simple\n[install]\nindex_url: https://install.example/simple/\n");
        var pip = new PipConfiguration(User);
        Assert.Equal("https://install.example/simple/", pip.Find("x")!.BaseUrl.AbsoluteUri);
        Assert.Equal(RegistryProtocol.PythonSimpleIndex, pip.Find("x")!.Protocol);
        Assert.EndsWith("pip.conf", pip.Find("x")!.Origin);

        environment["PIP_INDEX_URL"] = "https://env.example/simple";
        Assert.Equal("https://env.example/simple/", new PipConfiguration(User).Find("x")!.BaseUrl.AbsoluteUri);
    }

    [Fact]
    public void A_user_and_password_in_pips_index_url_become_credentials_and_leave_the_url()
    {
        environment["PIP_INDEX_URL"] = "https://reader:s%40cret@index.example/simple/";
        var endpoint = new PipConfiguration(User).Find("x")!;
        Assert.Equal("https://index.example/simple/", endpoint.BaseUrl.AbsoluteUri);
        Assert.Equal("Basic", endpoint.Credentials!.Scheme);
        Assert.Equal("reader:s@cret", Encoding.UTF8.GetString(Convert.FromBase64String(endpoint.Credentials.Parameter!)));
    }

    [Fact]
    public void With_nothing_configured_the_error_names_pips_file_and_cucos_setting()
    {
        var failure = Assert.Throws<RegistryException>(() => Native(new PipConfiguration(User)).Endpoint("pypi", "PyPI", "six"));
        Assert.Contains("pip.conf", failure.Message);
        Assert.Contains("PIP_INDEX_URL", failure.Message);
        Assert.Contains("Cucos:Registries:pypi", failure.Message);
        Assert.Contains("--registry pypi=URL", failure.Message);
    }

    [Fact]
    public void Cucos_own_setting_wins_over_the_tools_configuration()
    {
        environment["PIP_INDEX_URL"] = "https://env.example/simple";
        var settings = new RegistrySettings(new Dictionary<string, string> { ["pypi"] = "https://cucos.example/" }, [new PipConfiguration(User)]);
        var endpoint = settings.Endpoint("pypi", "PyPI", "six");
        Assert.Equal("https://cucos.example/", endpoint.BaseUrl.AbsoluteUri);
        Assert.Equal(RegistryProtocol.Default, endpoint.Protocol);
        Assert.Equal(RegistryProtocol.PythonSimpleIndex,
            new RegistrySettings(new Dictionary<string, string> { ["pypi"] = "https://cucos.example/simple" }).Endpoint("pypi", "PyPI", "six").Protocol);
    }

    private readonly byte[] sdist = ArchiveBuilder.TarBytes(gzip: true, w => w.AddFile("Fix_Ture-1.0.0/setup.py", "from setuptools import setup\n"u8.ToArray()));
    private readonly byte[] wheel = ArchiveBuilder.ZipBytes(zip => zip.AddFile("fix_ture/__init__.py", "x = 1\n"u8.ToArray()));

    private PyPiRegistry SimpleIndex()
    {
        environment["PIP_INDEX_URL"] = server.Url("/simple/");
        return new PyPiRegistry(Http(), Native(new PipConfiguration(User)));
    }

    [Fact]
    public async Task A_pep_691_json_index_lists_versions_and_serves_the_sdist_with_its_sha256_checked()
    {
        server.Map("/simple/fix-ture/", new Reply(200, Encoding.UTF8.GetBytes($$$"""
            {"meta": {"api-version": "1.1"}, "name": "fix-ture", "versions": ["0.9", "1.0.0"],
             "files": [
               {"filename": "fix_ture-1.0.0-py3-none-any.whl", "url": "../../files/fix_ture-1.0.0-py3-none-any.whl", "hashes": {"sha256": "{{{Sha256(wheel)}}}"}},
               {"filename": "Fix_Ture-1.0.0.tar.gz", "url": "{{{server.Url("/files/Fix_Ture-1.0.0.tar.gz")}}}", "hashes": {"sha256": "{{{Sha256(sdist)}}}"}, "yanked": false}
             ]}
            """), "application/vnd.pypi.simple.v1+json"));
        server.Map("/files/Fix_Ture-1.0.0.tar.gz", Reply.File(sdist));
        server.Map("/files/fix_ture-1.0.0-py3-none-any.whl", Reply.File(wheel));
        var registry = SimpleIndex();

        Assert.Equal(["0.9", "1.0.0"], await registry.ListVersionsAsync("Fix.Ture", CancellationToken.None));
        var fetched = await registry.FetchAsync("Fix.Ture", "1.0.0", work.Combine("artifact"), work.Combine("metadata"), CancellationToken.None);
        Assert.Equal("Fix_Ture-1.0.0.tar.gz", fetched.Archive.FileName);
        Assert.Equal("sha256:" + Sha256(sdist), fetched.Archive.Verified);
        Assert.Contains("the Python package index at", fetched.Registry);
    }

    [Fact]
    public async Task A_pep_503_html_index_is_read_from_its_anchors_with_the_sha256_fragment()
    {
        server.Map("/simple/fix-ture/", Reply.Text($"""
            <!DOCTYPE html><html><body><h1>Links for fix-ture</h1>
            <a href="/files/fix_ture-0.9-cp312-cp312-manylinux_2_17_x86_64.whl#sha256={Sha256(wheel)}">fix_ture-0.9-cp312-cp312-manylinux_2_17_x86_64.whl</a><br/>
            <a href="/files/fix_ture-0.9-py3-none-any.whl#sha256={Sha256(wheel)}" data-requires-python="&gt;=3.8">fix_ture-0.9-py3-none-any.whl</a><br/>
            <a href="../../files/Fix_Ture-1.0.0.tar.gz#sha256={Sha256(wheel)}" data-yanked="">Fix_Ture-1.0.0.tar.gz</a>
            </body></html>
            """, "text/html"));
        server.Map("/files/fix_ture-0.9-py3-none-any.whl", Reply.File(wheel));
        server.Map("/files/Fix_Ture-1.0.0.tar.gz", Reply.File(sdist));
        var registry = SimpleIndex();

        Assert.Equal(["0.9", "1.0.0"], await registry.ListVersionsAsync("fix_ture", CancellationToken.None));
        var wheelFetched = await registry.FetchAsync("fix_ture", "0.9", work.Combine("a1"), work.Combine("m1"), CancellationToken.None);
        Assert.Equal("fix_ture-0.9-py3-none-any.whl", wheelFetched.Archive.FileName);
        // The sdist's fragment claims the wheel's digest: the download is refused, as pip refuses it.
        var refused = await Assert.ThrowsAsync<RegistryException>(() => registry.FetchAsync("fix_ture", "1.0.0", work.Combine("a2"), work.Combine("m2"), CancellationToken.None));
        Assert.Contains("is not the published package", refused.Message);
        await Assert.ThrowsAsync<PackageNotFoundException>(() => registry.FetchAsync("fix_ture", "2.0", work.Combine("a3"), work.Combine("m3"), CancellationToken.None));
    }

    [Theory]
    [InlineData("requests-2.31.0.tar.gz", "requests", "2.31.0")]
    [InlineData("zope.interface-6.0.tar.gz", "zope-interface", "6.0")]
    [InlineData("my-dashed-project-1.0rc1.zip", "my_dashed_project", "1.0rc1")]
    [InlineData("six-1.16.0-py2.py3-none-any.whl", "six", "1.16.0")]
    [InlineData("other-1.0.tar.gz", "six", null)]
    public void Versions_are_read_from_distribution_file_names(string fileName, string project, string? version) =>
        Assert.Equal(version, PyPiRegistry.VersionOf(fileName, project));

    // ---- Go

    [Fact]
    public void Goproxy_gives_the_first_proxy_of_its_list_and_refuses_direct_only_and_private_modules()
    {
        environment["GOPROXY"] = "https://proxy.example/go|https://second.example,direct";
        environment["GOPRIVATE"] = "*.corp.example,example.org/private";
        var go = new GoConfiguration(User);
        Assert.Equal("https://proxy.example/go/", go.Find("golang.org/x/text")!.BaseUrl.AbsoluteUri);
        Assert.Contains("GOPRIVATE", Assert.Throws<RegistryException>(() => go.Find("git.corp.example/team/lib")).Message);
        Assert.Contains("GOPRIVATE", Assert.Throws<RegistryException>(() => go.Find("example.org/private/thing")).Message);
        Assert.NotNull(go.Find("example.org/public/thing"));

        environment["GOPROXY"] = "direct";
        Assert.Contains("names no module proxy", Assert.Throws<RegistryException>(() => new GoConfiguration(User).Find("golang.org/x/text")).Message);
    }

    [Fact]
    public async Task Gos_environment_file_written_by_go_env_w_is_read_and_the_proxy_answers()
    {
        Write(".config/go/env", $"GOPROXY={server.Url("/goproxy")}\nGOFLAGS=-mod=mod\n");
        server.Map("/goproxy/golang.org/x/text/@v/list", Reply.Text("v0.3.6\nv0.3.7\n"));
        var proxy = new GoModuleProxy(Http(), Native(new GoConfiguration(User)));
        Assert.Equal(["v0.3.6", "v0.3.7"], await proxy.ListVersionsAsync("golang.org/x/text", CancellationToken.None));
    }

    [Theory]
    [InlineData("*.corp.example", "git.corp.example/a/b", true)]
    [InlineData("*.corp.example", "corp.example/a", false)]
    [InlineData("example.org/private", "example.org/private/x", true)]
    [InlineData("example.org/private", "example.org/privateer", false)]
    [InlineData("example.org/p?", "example.org/pq/x", true)]
    public void Go_module_patterns_match_leading_path_elements(string pattern, string module, bool matches) =>
        Assert.Equal(matches, GoConfiguration.MatchesAny(pattern, module));

    // ---- Maven

    [Fact]
    public async Task A_settings_xml_mirror_of_central_is_used_with_its_servers_credentials()
    {
        environment["REPO_PASSWORD"] = "pa55";
        Write(".m2/settings.xml", $"""
            <settings xmlns="http://maven.apache.org/SETTINGS/1.0.0">
              <servers><server><id>corp</id><username>builder</username><password>${"{"}env.REPO_PASSWORD{"}"}</password></server></servers>
              <mirrors>
                <mirror><id>not-central</id><mirrorOf>*,!central</mirrorOf><url>https://wrong.example/</url></mirror>
                <mirror><id>corp</id><mirrorOf>central</mirrorOf><url>{server.Url("/maven2")}</url></mirror>
              </mirrors>
            </settings>
            """);
        server.RequiredAuthorization = "Basic " + Convert.ToBase64String("builder:pa55"u8.ToArray());
        server.Map("/maven2/org/example/lib/maven-metadata.xml", Reply.Text("<metadata><versioning><versions><version>1.0</version><version>1.1</version></versions></versioning></metadata>", "text/xml"));
        var maven = new MavenRegistry(Http(), Native(new MavenSettings(User)));
        Assert.Equal(["1.0", "1.1"], await maven.ListVersionsAsync("org.example:lib", CancellationToken.None));
        Assert.All(server.Requests, r => Assert.Equal(server.RequiredAuthorization, r.Authorization));
    }

    [Fact]
    public void Maven_reads_an_active_profiles_central_and_refuses_encrypted_passwords()
    {
        Write(".m2/settings.xml", """
            <settings>
              <profiles><profile><id>corp</id><repositories><repository><id>central</id><url>https://profile.example/m2</url></repository></repositories></profile></profiles>
              <activeProfiles><activeProfile>corp</activeProfile></activeProfiles>
            </settings>
            """);
        Assert.Equal("https://profile.example/m2/", new MavenSettings(User).Find("a:b")!.BaseUrl.AbsoluteUri);

        Write(".m2/settings.xml", """
            <settings><servers><server><id>m</id><username>u</username><password>{COQLCE6DU6GtcS5P=}</password></server></servers>
              <mirrors><mirror><id>m</id><mirrorOf>external:*</mirrorOf><url>https://m.example/</url></mirror></mirrors></settings>
            """);
        var failure = Assert.Throws<RegistryException>(() => new MavenSettings(User).Find("a:b"));
        Assert.Contains("encrypted", failure.Message);
        Assert.DoesNotContain("COQLCE6DU6GtcS5P", failure.Message);
    }

    // ---- Cargo

    [Fact]
    public async Task Cargos_source_replacement_leads_to_a_sparse_index_whose_download_is_checked()
    {
        var crate = ArchiveBuilder.TarBytes(gzip: true, w => w.AddFile("itoa-1.0.9/Cargo.toml", "[package]\nname = \"itoa\"\nversion = \"1.0.9\"\n"u8.ToArray()));
        Write(".cargo/config.toml", $"""
            [source.crates-io]
            replace-with = "mirror"

            [source.mirror]
            registry = "sparse+{server.Url("/index/")}"
            """);
        server.Map("/index/config.json", Reply.Json(new { dl = server.BaseUrl.AbsoluteUri + "dl/{crate}/{version}/{lowerprefix}.crate" }));
        server.Map("/index/it/oa/itoa", Reply.Text(
            "{\"name\":\"itoa\",\"vers\":\"1.0.8\",\"deps\":[],\"cksum\":\"" + new string('0', 64) + "\",\"features\":{},\"yanked\":false}\n"
            + "{\"name\":\"itoa\",\"vers\":\"1.0.9\",\"deps\":[],\"cksum\":\"" + Sha256(crate) + "\",\"features\":{},\"yanked\":false}\n"));
        server.Map("/dl/itoa/1.0.9/it/oa.crate", Reply.File(crate));
        var registry = new CratesRegistry(Http(), Native(new CargoConfiguration(User)));

        Assert.Equal(["1.0.8", "1.0.9"], await registry.ListVersionsAsync("itoa", CancellationToken.None));
        var fetched = await registry.FetchAsync("itoa", "1.0.9", work.Combine("artifact"), work.Combine("metadata"), CancellationToken.None);
        Assert.Equal("sha256:" + Sha256(crate), fetched.Archive.Verified);
        Assert.Equal(server.Url("/dl/itoa/1.0.9/it/oa.crate"), fetched.Archive.Url);
    }

    [Fact]
    public void Cargo_refuses_git_indexes_and_replacement_loops_and_says_nothing_without_a_replacement()
    {
        Assert.Null(new CargoConfiguration(User).Find("itoa"));
        Write(".cargo/config.toml", "[source.crates-io]\nreplace-with = \"vendored\"\n[source.vendored]\nregistry = \"https://git.example/index.git\"\n");
        Assert.Contains("git index", Assert.Throws<RegistryException>(() => new CargoConfiguration(User).Find("itoa")).Message);
        Write(".cargo/config.toml", "[source.crates-io]\nreplace-with = \"a\"\n[source.a]\nreplace-with = \"crates-io\"\n");
        Assert.Contains("loop", Assert.Throws<RegistryException>(() => new CargoConfiguration(User).Find("itoa")).Message);
    }

    [Theory]
    [InlineData("a", "1/a")]
    [InlineData("ab", "2/ab")]
    [InlineData("abc", "3/a/abc")]
    [InlineData("Serde_Json", "se/rd/serde_json")]
    public void Crate_index_paths_follow_cargos_layout(string name, string path) => Assert.Equal(path, CratesRegistry.IndexPath(name));

    // ---- RubyGems

    [Fact]
    public void Gemrc_sources_give_the_first_source_in_block_or_flow_form()
    {
        Write(".gemrc", "---\n:backtrace: false\n:sources:\n- https://gems.example/\n- https://second.example/\n");
        Assert.Equal("https://gems.example/", new GemConfiguration(User).Find("rake")!.BaseUrl.AbsoluteUri);
        Assert.Equal(["https://a.example/", "https://b.example"], GemConfiguration.Sources(":sources: [\"https://a.example/\", 'https://b.example']\n"));
        Assert.Contains(".gemrc", Assert.Throws<RegistryException>(() => Native(new GemConfiguration(new UserEnvironment(work.Path, work.Path, environment, false)))
            .Endpoint("rubygems", "RubyGems", "rake")).Message);
    }

    public void Dispose()
    {
        server.Dispose();
        home.Dispose();
        work.Dispose();
    }
}
