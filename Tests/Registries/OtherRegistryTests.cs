using System.Text;
using Cucos.Sdk.Ecosystems;
using Cucos.Tests.Support;
using Cucos.Workers.Ecosystems.Crates;
using Cucos.Workers.Ecosystems.Go;
using Cucos.Workers.Ecosystems.Maven;
using Cucos.Workers.Ecosystems.Npm;
using Cucos.Workers.Ecosystems.Nuget;
using Cucos.Workers.Ecosystems.PyPi;
using Cucos.Workers.Ecosystems.RubyGems;
using Cucos.Workers.Registries;

using static Cucos.Tests.Registries.RegistryTestSupport;

namespace Cucos.Tests.Registries;

/// <summary>Maven, RubyGems, the Rust crates registry and the Go module proxy, each in its own protocol against a loopback server.</summary>
[Trait("Category", "Unit")]
public sealed class OtherRegistryTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-registries");
    private readonly RegistryServer server = new();
    private readonly Dictionary<string, byte[]> files = Fixtures.SmallPackage(seed: 5);

    private string Artifacts => work.Combine("artifact");
    private string Metadata => work.Combine("metadata");

    private byte[] Jar() => ArchiveBuilder.ZipBytes(zip =>
    {
        zip.AddFile("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"u8.ToArray());
        zip.AddFile("org/example/Lib.class", [0xCA, 0xFE, 0xBA, 0xBE]);
    });

    [Fact]
    public async Task Maven_fetches_jar_pom_and_sources_checked_against_their_sha1_files()
    {
        var (jar, sources, pom) = (Jar(), ArchiveBuilder.ZipBytes(zip => zip.AddFile("org/example/Lib.java", "class Lib {}"u8.ToArray())), "<project/>"u8.ToArray());
        const string folder = "/maven2/org/example/lib";
        server.Map(folder + "/maven-metadata.xml", Reply.Text(
            "<metadata><groupId>org.example</groupId><artifactId>lib</artifactId><versioning><versions><version>1.0</version><version>1.1</version></versions></versioning></metadata>",
            "application/xml"));
        foreach (var (file, content) in new[] { ("lib-1.1.jar", jar), ("lib-1.1-sources.jar", sources), ("lib-1.1.pom", pom) })
        {
            server.Map($"{folder}/1.1/{file}", Reply.File(content));
            server.Map($"{folder}/1.1/{file}.sha1", Reply.Text(Sha1(content) + "  " + file + "\n"));
        }
        var registry = new MavenRegistry(Http(), Settings("maven", new Uri(server.BaseUrl, "maven2/")));

        var fetched = await registry.FetchAsync("org.example:lib", "1.1", Artifacts, Metadata, CancellationToken.None);

        Assert.Equal(["1.0", "1.1"], await registry.ListVersionsAsync("org.example:lib", CancellationToken.None));
        Assert.Equal("lib-1.1.jar", fetched.Archive.FileName);
        Assert.Equal("sha1:" + Sha1(jar), fetched.Archive.Verified);
        Assert.Equal(["pom", "sources"], fetched.Metadata.Select(m => m.Kind));
        Assert.All(fetched.Metadata, m => Assert.NotNull(m.Verified));
        Assert.Equal(sources, File.ReadAllBytes(Path.Combine(Metadata, "lib-1.1-sources.jar")));
    }

    [Fact]
    public async Task Maven_without_sources_is_fine_but_a_wrong_sha1_is_refused()
    {
        var jar = Jar();
        server.Map("/org/example/lib/2.0/lib-2.0.jar", Reply.File(jar));
        server.Map("/org/example/lib/2.0/lib-2.0.pom", Reply.File("<project/>"u8.ToArray()));
        var registry = new MavenRegistry(Http(), Settings("maven", server.BaseUrl));

        var fetched = await registry.FetchAsync("org.example:lib", "2.0", Artifacts, Metadata, CancellationToken.None);
        Assert.Equal(["pom"], fetched.Metadata.Select(m => m.Kind));
        Assert.Null(fetched.Archive.Verified);

        server.Map("/org/example/lib/2.0/lib-2.0.jar.sha1", Reply.Text(Sha1("tampered"u8.ToArray())));
        var refused = await Assert.ThrowsAsync<RegistryException>(() => registry.FetchAsync("org.example:lib", "2.0", Artifacts, Metadata, CancellationToken.None));
        Assert.Contains("is not the published package", refused.Message);
        await Assert.ThrowsAsync<PackageNotFoundException>(() => registry.FetchAsync("org.example:lib", "3.0", Artifacts, Metadata, CancellationToken.None));
        Assert.Contains("groupId:artifactId", (await Assert.ThrowsAsync<RegistryException>(
            () => registry.FetchAsync("just-a-name", "1.0", Artifacts, Metadata, CancellationToken.None))).Message);
    }

    [Fact]
    public async Task RubyGems_fetches_the_ruby_platform_gem_and_verifies_its_sha256()
    {
        var gem = ArchiveBuilder.Gem("fixture", "1.0.0", files);
        server.Map("/api/v1/versions/fixture.json", Reply.Json(new object[]
        {
            new { number = "1.0.0", platform = "java", sha = Sha256("java build"u8.ToArray()) },
            new { number = "1.0.0", platform = "ruby", sha = Sha256(gem) },
            new { number = "0.9.0", platform = "ruby", sha = Sha256(gem) },
        }));
        server.Map("/gems/fixture-1.0.0.gem", Reply.File(gem));
        var registry = new RubyGemsRegistry(Http(), Settings("rubygems", server.BaseUrl));

        var fetched = await registry.FetchAsync("fixture", "1.0.0", Artifacts, Metadata, CancellationToken.None);

        Assert.Equal(["1.0.0", "0.9.0"], await registry.ListVersionsAsync("fixture", CancellationToken.None));
        Assert.Equal("fixture-1.0.0.gem", fetched.Archive.FileName);
        Assert.Equal("sha256:" + Sha256(gem), fetched.Archive.Verified);
        await Assert.ThrowsAsync<PackageNotFoundException>(() => registry.FetchAsync("fixture", "2.0.0", Artifacts, Metadata, CancellationToken.None));
    }

    [Fact]
    public async Task Crates_fetches_the_crate_with_its_checksum()
    {
        var crate = ArchiveBuilder.TarBytes(gzip: true, w => w.AddFile("fixture-1.0.0/Cargo.toml", "[package]\nname = \"fixture\"\n"u8.ToArray()));
        server.Map("/api/v1/crates/fixture", Reply.Json(new
        {
            crate = new { id = "fixture", name = "fixture" },
            versions = new[] { new { num = "1.0.0", checksum = Sha256(crate), dl_path = "/api/v1/crates/fixture/1.0.0/download" } },
        }));
        server.Map("/api/v1/crates/fixture/1.0.0/download", Reply.File(crate));
        var registry = new CratesRegistry(Http(), Settings("crates", server.BaseUrl));

        var fetched = await registry.FetchAsync("fixture", "1.0.0", Artifacts, Metadata, CancellationToken.None);

        Assert.Equal("fixture-1.0.0.crate", fetched.Archive.FileName);
        Assert.Equal("sha256:" + Sha256(crate), fetched.Archive.Verified);
        Assert.Equal(["1.0.0"], await registry.ListVersionsAsync("fixture", CancellationToken.None));
        await Assert.ThrowsAsync<PackageNotFoundException>(() => registry.FetchAsync("nope", "1.0.0", Artifacts, Metadata, CancellationToken.None));
    }

    [Fact]
    public async Task Go_proxy_escapes_upper_case_and_fetches_the_zip_and_go_mod()
    {
        var zip = ArchiveBuilder.ZipBytes(z => z.AddFile("example.org/Fixture/mod@v1.2.3/mod.go", "package mod\n"u8.ToArray()));
        const string module = "/example.org/!fixture/mod/@v/";
        server.Map(module + "list", Reply.Text("v1.2.2\nv1.2.3\n"));
        server.Map(module + "v1.2.3.mod", Reply.Text("module example.org/Fixture/mod\n"));
        server.Map(module + "v1.2.3.zip", Reply.File(zip));
        var registry = new GoModuleProxy(Http(), Settings("go", server.BaseUrl));

        var fetched = await registry.FetchAsync("example.org/Fixture/mod", "v1.2.3", Artifacts, Metadata, CancellationToken.None);

        Assert.Equal(["v1.2.2", "v1.2.3"], await registry.ListVersionsAsync("example.org/Fixture/mod", CancellationToken.None));
        Assert.Equal("mod@v1.2.3.zip", fetched.Archive.FileName);
        Assert.Equal(zip, File.ReadAllBytes(fetched.Archive.Path));
        Assert.Equal("module example.org/Fixture/mod\n", File.ReadAllText(Path.Combine(Metadata, "go.mod"), Encoding.UTF8));
        await Assert.ThrowsAsync<PackageNotFoundException>(() => registry.FetchAsync("example.org/Fixture/mod", "v9.0.0", Artifacts, Metadata, CancellationToken.None));
    }

    public void Dispose()
    {
        server.Dispose();
        work.Dispose();
    }
}
