using System.Security.Cryptography;
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
using Microsoft.Extensions.DependencyInjection;

using static Cucos.Tests.Registries.RegistryTestSupport;

namespace Cucos.Tests.Registries;

/// <summary>The npm protocol against a loopback registry: packument, tarball, integrity, scoped registries and tokens from .npmrc.</summary>
[Trait("Category", "Unit")]
public sealed class NpmRegistryTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-npm");
    private readonly RegistryServer server = new();
    private readonly byte[] tarball;

    public NpmRegistryTests()
    {
        tarball = ArchiveBuilder.TarBytes(gzip: true, w =>
        {
            foreach (var (path, content) in Fixtures.SmallPackage())
                w.AddFile("package/" + path, content);
        });
    }

    private string Artifacts => work.Combine("artifact");
    private string Metadata => work.Combine("metadata");

    /// <summary>A packument as the registry serves it: versions keyed by number, each with its dist.</summary>
    private static object Packument(string name, string version, string tarballUrl, string? integrity, string? shasum) => new Dictionary<string, object>
    {
        ["name"] = name,
        ["dist-tags"] = new { latest = version },
        ["versions"] = new Dictionary<string, object>
        {
            [version] = new { name, version, dist = new Dictionary<string, string?> { ["tarball"] = tarballUrl, ["integrity"] = integrity, ["shasum"] = shasum } },
        },
    };

    private void Serve(string name, string packumentPath, string tarballPath, string? integrity = "", string? shasum = null)
    {
        integrity = integrity == "" ? "sha512-" + Convert.ToBase64String(SHA512.HashData(tarball)) : integrity;
        server.Map(packumentPath, Reply.Json(Packument(name, "1.0.0", server.Url(tarballPath), integrity, shasum)));
        server.Map(tarballPath, Reply.File(tarball));
    }

    private NpmRegistry Registry(string npmrc, Dictionary<string, string>? environment = null, RegistryLimits? limits = null)
    {
        var home = work.Combine("home");
        work.WriteFile("home/.npmrc", System.Text.Encoding.UTF8.GetBytes(npmrc));
        Directory.CreateDirectory(work.Combine("project"));
        return new NpmRegistry(Http(limits), new NpmConfigSource(work.Combine("project"), home, environment ?? [], AskNpm: false));
    }

    [Fact]
    public async Task Fetches_the_tarball_and_verifies_its_sha512_integrity()
    {
        Serve("fixture", "/fixture", "/fixture/-/fixture-1.0.0.tgz");
        var registry = Registry($"registry={server.BaseUrl}\n");

        var fetched = await registry.FetchAsync("fixture", "1.0.0", Artifacts, Metadata, CancellationToken.None);

        Assert.Equal(tarball, File.ReadAllBytes(fetched.Archive.Path));
        Assert.Equal("fixture-1.0.0.tgz", fetched.Archive.FileName);
        Assert.Equal(server.Url("/fixture/-/fixture-1.0.0.tgz"), fetched.Archive.Url);
        Assert.Equal("sha512:" + Sha512(tarball), fetched.Archive.Verified);
        Assert.Equal(Sha256(tarball), fetched.Archive.Digests.Sha256);
        Assert.Equal(tarball.Length, fetched.Archive.Digests.Size);
        Assert.Contains($"the npm registry at {server.BaseUrl}", fetched.Registry);
    }

    [Fact]
    public async Task The_registry_s_version_document_is_kept_for_supply_chain()
    {
        Serve("fixture", "/fixture", "/fixture/-/fixture-1.0.0.tgz");
        await Registry($"registry={server.BaseUrl}\n").FetchAsync("fixture", "1.0.0", Artifacts, Metadata, CancellationToken.None);

        using var kept = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Metadata, NpmRegistryDocument.FileName)));
        Assert.Equal("1.0.0", kept.RootElement.GetProperty("version").GetString());
        Assert.Equal("fixture", kept.RootElement.GetProperty("document").GetProperty("name").GetString());
        Assert.Equal(server.Url("/fixture/-/fixture-1.0.0.tgz"), kept.RootElement.GetProperty("document").GetProperty("dist").GetProperty("tarball").GetString());
    }

    [Fact]
    public async Task Falls_back_to_the_sha1_shasum_without_integrity()
    {
        Serve("fixture", "/fixture", "/fixture/-/fixture-1.0.0.tgz", integrity: null, shasum: Sha1(tarball));
        var fetched = await Registry($"registry={server.BaseUrl}\n").FetchAsync("fixture", "1.0.0", Artifacts, Metadata, CancellationToken.None);
        Assert.Equal("sha1:" + Sha1(tarball), fetched.Archive.Verified);
    }

    [Fact]
    public async Task A_tarball_that_does_not_match_its_integrity_is_refused_and_deleted()
    {
        Serve("fixture", "/fixture", "/fixture/-/fixture-1.0.0.tgz", integrity: "sha512-" + Convert.ToBase64String(SHA512.HashData("other"u8.ToArray())));
        var registry = Registry($"registry={server.BaseUrl}\n");

        var refused = await Assert.ThrowsAsync<RegistryException>(() => registry.FetchAsync("fixture", "1.0.0", Artifacts, Metadata, CancellationToken.None));

        Assert.Contains("the download is not the published package", refused.Message);
        Assert.Contains(Sha512(tarball), refused.Message);
        Assert.Empty(Directory.EnumerateFiles(Artifacts));
    }

    [Fact]
    public async Task Scoped_registry_and_its_token_come_from_the_user_config_named_by_the_environment()
    {
        Serve("@acme/widget", "/@acme%2fwidget", "/@acme/widget/-/widget-1.0.0.tgz");
        server.RequiredAuthorization = "Bearer s3cret-token";
        var userConfig = work.WriteFile("elsewhere/npmrc", System.Text.Encoding.UTF8.GetBytes(
            $"; the default registry is somewhere else entirely\nregistry=http://127.0.0.1:9/\n@acme:registry={server.BaseUrl}\n//{server.BaseUrl.Authority}/:_authToken=${{ACME_TOKEN}}\n"));
        var registry = Registry("registry=http://127.0.0.1:9/\n", new Dictionary<string, string>
        {
            ["NPM_CONFIG_USERCONFIG"] = userConfig,
            ["ACME_TOKEN"] = "s3cret-token",
        });

        var fetched = await registry.FetchAsync("@acme/widget", "1.0.0", Artifacts, Metadata, CancellationToken.None);

        Assert.Equal("widget-1.0.0.tgz", fetched.Archive.FileName);
        Assert.All(server.Requests, r => Assert.Equal("Bearer s3cret-token", r.Authorization));
        Assert.Equal(1, server.CountRequests("/@acme%2fwidget"));
    }

    [Fact]
    public async Task A_registry_that_wants_credentials_the_config_lacks_says_so()
    {
        Serve("fixture", "/fixture", "/fixture/-/fixture-1.0.0.tgz");
        server.RequiredAuthorization = "Bearer needed";
        var refused = await Assert.ThrowsAsync<RegistryException>(
            () => Registry($"registry={server.BaseUrl}\n").FetchAsync("fixture", "1.0.0", Artifacts, Metadata, CancellationToken.None));
        Assert.Contains("401", refused.Message);
        Assert.Contains("your configuration has none for it", refused.Message);
    }

    [Fact]
    public async Task Unknown_packages_and_versions_are_not_found_in_the_named_registry()
    {
        Serve("fixture", "/fixture", "/fixture/-/fixture-1.0.0.tgz");
        var registry = Registry($"registry={server.BaseUrl}\n");

        var noPackage = await Assert.ThrowsAsync<PackageNotFoundException>(() => registry.FetchAsync("nope", "1.0.0", Artifacts, Metadata, CancellationToken.None));
        var noVersion = await Assert.ThrowsAsync<PackageNotFoundException>(() => registry.FetchAsync("fixture", "9.9.9", Artifacts, Metadata, CancellationToken.None));

        Assert.Equal($"package 'nope' was not found in the npm registry at {server.BaseUrl} (npm).", noPackage.Message);
        Assert.Equal("9.9.9", noVersion.Version);
        Assert.Contains("was not found in the npm registry", noVersion.Message);
    }

    [Fact]
    public async Task Lists_the_versions_of_the_packument()
    {
        server.Map("/fixture", Reply.Json(new { name = "fixture", versions = new Dictionary<string, object> { ["0.1.0"] = new { }, ["1.0.0"] = new { }, ["1.1.0-beta.1"] = new { } } }));
        var versions = await Registry($"registry={server.BaseUrl}\n").ListVersionsAsync("fixture", CancellationToken.None);
        Assert.Equal(["0.1.0", "1.0.0", "1.1.0-beta.1"], versions);
    }

    [Fact]
    public async Task Dependency_snapshot_resolves_ranges_against_the_versions_this_registry_lists()
    {
        server.Map("/fixture", Reply.Json(new
        {
            name = "fixture",
            versions = new[] { "0.1.0", "1.0.0", "1.2.0", "1.3.0-beta.1", "2.0.0" }.ToDictionary(v => v, _ => new { }),
        }));
        var registry = Registry($"registry={server.BaseUrl}\n");
        work.WriteFile("pkg/package.json", System.Text.Encoding.UTF8.GetBytes(
            """{ "name": "app", "version": "1.0.0", "dependencies": { "fixture": "^1.0.0", "missing": "*" } }"""));
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection()
            .AddSingleton<IPackageVersionSource>(registry).BuildServiceProvider();

        var results = new Cucos.Sdk.InMemoryTaskResultStore();
        await WorkerRun.RunAsync(new Cucos.Workers.Metadata.MetadataTask(), work.Combine("pkg"), results);
        var snapshot = await WorkerRun.RunAsync(new Cucos.Workers.Dependencies.DependencySnapshotTask(), work.Combine("pkg"), results, services);

        var entries = snapshot.GetProperty("details").GetProperty("dependencies").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);
        // npm's caret: the highest 1.x release; a prerelease is not picked for a range without one.
        Assert.Equal("1.2.0", entries["fixture"].GetProperty("resolved_version").GetString());
        Assert.Equal("unresolvable", entries["missing"].GetProperty("status").GetString());
        Assert.Contains("was not found in the npm registry", entries["missing"].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Without_any_registry_configured_the_error_says_where_to_set_one()
    {
        var refused = await Assert.ThrowsAsync<RegistryException>(() => Registry("fund=false\n").ListVersionsAsync("fixture", CancellationToken.None));
        Assert.Contains("set 'registry=URL' in ~/.npmrc", refused.Message);
    }

    /// <summary>A packument whose one version's dist is exactly <paramref name="dist"/>, the tarball served at /t/fixture-1.0.0.tgz.</summary>
    private NpmRegistry ServeDist(Dictionary<string, string?> dist, RegistryLimits? limits = null)
    {
        server.Map("/fixture", Reply.Json(new { name = "fixture", versions = new Dictionary<string, object> { ["1.0.0"] = new { name = "fixture", version = "1.0.0", dist } } }));
        server.Map("/t/fixture-1.0.0.tgz", Reply.File(tarball));
        return Registry($"registry={server.BaseUrl}\n", limits: limits);
    }

    private static string Sri(string algorithm, byte[] digest) => $"{algorithm}-{Convert.ToBase64String(digest)}";

    [Theory]
    [InlineData("/t/fixture-1.0.0.tgz")]
    [InlineData("t/fixture-1.0.0.tgz")]
    public async Task A_relative_tarball_url_is_fetched_relative_to_the_packument(string tarballUrl)
    {
        var fetched = await ServeDist(new() { ["tarball"] = tarballUrl, ["integrity"] = Sri("sha512", SHA512.HashData(tarball)) })
            .FetchAsync("fixture", "1.0.0", Artifacts, Metadata, CancellationToken.None);

        Assert.Equal(server.Url("/t/fixture-1.0.0.tgz"), fetched.Archive.Url);
        Assert.Equal(tarball, File.ReadAllBytes(fetched.Archive.Path));
    }

    [Fact]
    public async Task A_tarball_url_that_is_not_http_is_refused()
    {
        var refused = await Assert.ThrowsAsync<RegistryException>(() => ServeDist(new() { ["tarball"] = "file:///etc/passwd" })
            .FetchAsync("fixture", "1.0.0", Artifacts, Metadata, CancellationToken.None));

        Assert.Contains("only http(s)", refused.Message);
    }

    [Fact]
    public async Task A_tarball_on_a_host_outside_the_allow_list_is_refused_and_never_asked_for()
    {
        using var elsewhere = new RegistryServer("127.0.0.2");
        elsewhere.Map("/t/fixture-1.0.0.tgz", Reply.File(tarball));
        var registry = ServeDist(new() { ["tarball"] = elsewhere.Url("/t/fixture-1.0.0.tgz") }, new RegistryLimits { AllowedHosts = ["files.example.invalid"] });

        var refused = await Assert.ThrowsAsync<RegistryException>(() => registry.FetchAsync("fixture", "1.0.0", Artifacts, Metadata, CancellationToken.None));

        Assert.Contains("Cucos:Registries:AllowedHosts", refused.Message);
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task Of_several_integrity_entries_the_strongest_known_is_checked()
    {
        var integrity = $"sha1-{Convert.ToBase64String(SHA1.HashData(tarball))} md6-AAAA {Sri("sha384", SHA384.HashData(tarball))} {Sri("sha256", SHA256.HashData(tarball))} sha1-again";

        var fetched = await ServeDist(new() { ["tarball"] = "/t/fixture-1.0.0.tgz", ["integrity"] = integrity })
            .FetchAsync("fixture", "1.0.0", Artifacts, Metadata, CancellationToken.None);

        Assert.Equal("sha384:" + Convert.ToHexStringLower(SHA384.HashData(tarball)), fetched.Archive.Verified);
    }

    [Fact]
    public async Task An_sha256_integrity_is_checked_and_a_wrong_one_refused()
    {
        var good = await ServeDist(new() { ["tarball"] = "/t/fixture-1.0.0.tgz", ["integrity"] = Sri("sha256", SHA256.HashData(tarball)) })
            .FetchAsync("fixture", "1.0.0", Artifacts, Metadata, CancellationToken.None);
        Assert.Equal("sha256:" + Sha256(tarball), good.Archive.Verified);

        var refused = await Assert.ThrowsAsync<RegistryException>(() => ServeDist(new() { ["tarball"] = "/t/fixture-1.0.0.tgz", ["integrity"] = Sri("sha256", SHA256.HashData("other"u8)) })
            .FetchAsync("fixture", "1.0.0", Artifacts, Metadata, CancellationToken.None));
        Assert.Contains("the download is not the published package", refused.Message);
    }

    [Theory]
    [InlineData("sha512-", null, "an empty sha512 checksum")]
    [InlineData("", null, "an empty sha512 checksum")]
    [InlineData(null, "", "an empty sha1 checksum")]
    [InlineData("sha512-not*base64", null, "neither hex nor base64")]
    [InlineData(null, "abc123", "neither hex nor base64")]
    public async Task An_empty_or_malformed_checksum_is_refused_clearly(string? integrity, string? shasum, string expected)
    {
        var refused = await Assert.ThrowsAsync<RegistryException>(() => ServeDist(new() { ["tarball"] = "/t/fixture-1.0.0.tgz", ["integrity"] = integrity, ["shasum"] = shasum })
            .FetchAsync("fixture", "1.0.0", Artifacts, Metadata, CancellationToken.None));

        Assert.Contains(expected, refused.Message);
        Assert.Empty(Directory.EnumerateFiles(Artifacts));
    }

    [Fact]
    public async Task A_checksum_only_in_an_unknown_algorithm_leaves_the_tarball_unverified()
    {
        var fetched = await ServeDist(new() { ["tarball"] = "/t/fixture-1.0.0.tgz", ["integrity"] = "md6-AAAA" })
            .FetchAsync("fixture", "1.0.0", Artifacts, Metadata, CancellationToken.None);

        Assert.Null(fetched.Archive.Verified);
    }

    public void Dispose()
    {
        server.Dispose();
        work.Dispose();
    }
}
