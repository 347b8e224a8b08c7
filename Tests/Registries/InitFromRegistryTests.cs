using System.Text.Json;
using Cucos.Grains.Execution;
using Cucos.Messages;
using Cucos.Sdk.Ecosystems;
using Cucos.Sdk;
using Cucos.Tests.Support;
using Cucos.Workers.Ecosystems.Crates;
using Cucos.Workers.Ecosystems.Go;
using Cucos.Workers.Ecosystems.Maven;
using Cucos.Workers.Ecosystems.Npm;
using Cucos.Workers.Ecosystems.Nuget;
using Cucos.Workers.Ecosystems.PyPi;
using Cucos.Workers.Ecosystems.RubyGems;
using Cucos.Workers.Registries;
using Cucos.Workers;
using Microsoft.Extensions.DependencyInjection;

using static Cucos.Tests.Registries.RegistryTestSupport;

namespace Cucos.Tests.Registries;

/// <summary>init through its real lifecycle, fetching from loopback registries: layout, digests, retries, fatal outcomes.</summary>
[Trait("Category", "Unit")]
public sealed class InitFromRegistryTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-init-registry");
    private readonly RegistryServer server = new();
    private readonly Dictionary<string, byte[]> files = Fixtures.SmallPackage(seed: 9);
    private readonly ServiceProvider services;

    public InitFromRegistryTests()
    {
        work.WriteFile("home/.npmrc", System.Text.Encoding.UTF8.GetBytes($"registry={server.BaseUrl}npm/\n"));
        services = Services(new RegistryLimits());
    }

    private ServiceProvider Services(RegistryLimits limits) => new ServiceCollection()
        .AddSingleton(new RegistrySettings(new Dictionary<string, string>
        {
            ["pypi"] = server.BaseUrl.AbsoluteUri,
            ["rubygems"] = new Uri(server.BaseUrl, "gems-api/").AbsoluteUri,
        }))
        .AddSingleton(limits)
        .AddSingleton(new NpmConfigSource(work.Path, work.Combine("home"), new Dictionary<string, string>(), AskNpm: false))
        .AddCucosBuiltInTasks()
        .BuildServiceProvider();

    private string CacheRoot => work.Combine("cache");

    private byte[] Sdist() => ArchiveBuilder.TarBytes(gzip: true, w =>
    {
        foreach (var (path, content) in files)
            w.AddFile("fixture-1.0.0/" + path, content);
    });

    private async Task<(FinishedAttempt Attempt, TaskContext Context)> RunInit(AnalysisRequest request, int attempt = 1, ServiceProvider? with = null)
    {
        var services = with ?? this.services;
        var cache = AnalysisCache.PathFor(CacheRoot, request.ToRequestView(), "analysis1");
        var context = TaskContextFactory.Create("analysis1", CucosFlow.RootTask, attempt, request.ToRequestView(), cache, packagePath: null, new InMemoryTaskResultStore(), services);
        return (await TaskRunner.CallAsync(services.GetRequiredService<TaskRegistry>(), context, CancellationToken.None), context);
    }

    [Fact]
    public async Task A_pypi_release_is_laid_out_under_ecosystem_name_version_with_its_digests_and_url()
    {
        var sdist = Sdist();
        PyPiRelease(server, "fixture", "1.0.0", ("sdist", "fixture-1.0.0.tar.gz", sdist, null));

        var (attempt, context) = await RunInit(AnalysisRequest.ForPackage("pypi", "fixture", "1.0.0"));

        Assert.True(attempt.Succeeded, attempt.Report.Error?.Message);
        Assert.Equal(Path.Combine(CacheRoot, "pypi", "fixture", "1.0.0", "analysis1"), context.CachePath);
        var document = attempt.Document!.Value;
        ResultSchemas.AssertValid("init", document);
        var details = document.GetProperty("details");
        Assert.Equal("registry", details.GetProperty("source_kind").GetString());
        Assert.Equal(server.Url("/packages/fixture-1.0.0.tar.gz"), details.GetProperty("download_url").GetString());
        var artifact = details.GetProperty("artifact");
        Assert.Equal(Sha256(sdist), artifact.GetProperty("sha256").GetString());
        Assert.Equal(Sha512(sdist), artifact.GetProperty("sha512").GetString());
        Assert.Equal("sha256:" + Sha256(sdist), artifact.GetProperty("verified").GetString());
        Assert.Equal(files.Count, details.GetProperty("files").GetInt32());
        Assert.True(File.Exists(Path.Combine(context.ArtifactDirectory, "fixture-1.0.0.tar.gz")));
        foreach (var (path, content) in files)
            Assert.Equal(content, File.ReadAllBytes(Path.Combine([context.PackagePath, "fixture-1.0.0", .. path.Split('/')])));
    }

    [Fact]
    public async Task A_server_error_fails_the_attempt_as_transient_and_the_retry_succeeds()
    {
        PyPiRelease(server, "fixture", "1.0.0", ("sdist", "fixture-1.0.0.tar.gz", Sdist(), null));
        server.FailFirst("/packages/fixture-1.0.0.tar.gz", 500);
        var request = AnalysisRequest.ForPackage("pypi", "fixture", "1.0.0");

        var (first, _) = await RunInit(request, attempt: 1);
        var (second, _) = await RunInit(request, attempt: 2);

        var error = first.Report.Error!;
        Assert.False(error.Fatal);
        Assert.Contains("answered 500", error.Message);
        Assert.True(services.GetRequiredService<TaskRegistry>().Create(CucosFlow.RootTask, services).RetryPolicy.MaxAttempts > 1);
        Assert.True(second.Succeeded, second.Report.Error?.Message);
        Assert.Equal(2, server.CountRequests("/packages/fixture-1.0.0.tar.gz"));
    }

    /// <summary>A PyPI release whose one sdist comes with no digests at all.</summary>
    private void ServeWithoutChecksum()
    {
        server.Map("/pypi/fixture/1.0.0/json", Reply.Json(new
        {
            urls = new[] { new { packagetype = "sdist", filename = "fixture-1.0.0.tar.gz", url = server.Url("/packages/fixture-1.0.0.tar.gz") } },
        }));
        server.Map("/packages/fixture-1.0.0.tar.gz", Reply.File(Sdist()));
    }

    [Fact]
    public async Task A_package_without_a_checksum_is_taken_unverified_by_default_and_refused_when_one_is_required()
    {
        ServeWithoutChecksum();
        var request = AnalysisRequest.ForPackage("pypi", "fixture", "1.0.0");
        using var strict = Services(new RegistryLimits { RequireChecksum = true });

        var (lenient, _) = await RunInit(request);
        var (refused, context) = await RunInit(request, with: strict);

        Assert.True(lenient.Succeeded, lenient.Report.Error?.Message);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, lenient.Document!.Value.GetProperty("details").GetProperty("artifact").GetProperty("verified").ValueKind);
        var error = refused.Report.Error!;
        Assert.True(error.Fatal);
        Assert.Equal($"PyPI at {server.BaseUrl} publishes no checksum this version checks for fixture-1.0.0.tar.gz, and Cucos:Registries:RequireChecksum is on, so it was refused.", error.Message);
        Assert.False(File.Exists(Path.Combine(context.ArtifactDirectory, "fixture-1.0.0.tar.gz")));
    }

    [Fact]
    public async Task An_empty_sha256_is_refused_not_skipped()
    {
        PyPiRelease(server, "fixture", "1.0.0", ("sdist", "fixture-1.0.0.tar.gz", Sdist(), ""));

        var (attempt, _) = await RunInit(AnalysisRequest.ForPackage("pypi", "fixture", "1.0.0"));

        Assert.True(attempt.Report.Error!.Fatal);
        Assert.Contains("an empty sha256 checksum for fixture-1.0.0.tar.gz", attempt.Report.Error.Message);
    }

    [Fact]
    public async Task A_registry_that_never_answers_fails_the_attempt_as_transient_naming_the_timeout()
    {
        server.Map("/pypi/fixture/1.0.0/json", new Reply(200, []) { NeverAnswers = true });
        using var impatient = Services(new RegistryLimits { HeadersTimeout = TimeSpan.FromSeconds(1) });

        var (attempt, _) = await RunInit(AnalysisRequest.ForPackage("pypi", "fixture", "1.0.0"), with: impatient);

        var error = attempt.Report.Error!;
        Assert.False(error.Fatal);
        Assert.Contains("did not answer within 00:00:01 (Cucos:Registries:HeadersTimeout)", error.Message);
    }

    [Fact]
    public async Task An_unknown_version_fails_fatally_saying_which_registry_lacks_it()
    {
        var (attempt, _) = await RunInit(AnalysisRequest.ForPackage("pypi", "fixture", "9.9.9"));

        var error = attempt.Report.Error!;
        Assert.True(error.Fatal);
        Assert.Equal($"package 'fixture' version '9.9.9' was not found in PyPI at {server.BaseUrl} (pypi). Check the name and version.", error.Message);
    }

    [Fact]
    public async Task A_hostile_tarball_from_the_registry_is_refused_and_nothing_lands_outside()
    {
        var tarball = ArchiveBuilder.TarBytes(gzip: true, w =>
        {
            w.AddFile("package/index.js", "ok"u8.ToArray());
            w.AddFile("package/../../../../escaped.js", "evil"u8.ToArray());
        });
        server.Map("/npm/evil", Reply.Json(new Dictionary<string, object>
        {
            ["name"] = "evil",
            ["versions"] = new Dictionary<string, object> { ["1.0.0"] = new { dist = new { tarball = server.Url("/npm/evil/-/evil-1.0.0.tgz"), shasum = Sha1(tarball) } } },
        }));
        server.Map("/npm/evil/-/evil-1.0.0.tgz", Reply.File(tarball));

        var (attempt, context) = await RunInit(AnalysisRequest.ForPackage("npm", "evil", "1.0.0"));

        Assert.True(attempt.Report.Error!.Fatal);
        Assert.Contains("archive 'evil-1.0.0.tgz' refused: entry 'package/../../../../escaped.js' climbs out of the package", attempt.Report.Error.Message);
        Assert.False(Directory.Exists(context.PackagePath));
        Assert.Empty(Directory.EnumerateFiles(work.Path, "escaped.js", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_gem_is_laid_out_with_its_gemspec_kept_as_metadata()
    {
        var gem = ArchiveBuilder.Gem("fixture", "1.0.0", files);
        server.Map("/gems-api/api/v1/versions/fixture.json", Reply.Json(new[] { new { number = "1.0.0", platform = "ruby", sha = Sha256(gem) } }));
        server.Map("/gems-api/gems/fixture-1.0.0.gem", Reply.File(gem));

        var (attempt, context) = await RunInit(AnalysisRequest.ForPackage("rubygems", "fixture", "1.0.0"));

        Assert.True(attempt.Succeeded, attempt.Report.Error?.Message);
        ResultSchemas.AssertValid("init", attempt.Document!.Value);
        Assert.Equal(["metadata.yaml", "checksums.yaml"],
            attempt.Document.Value.GetProperty("details").GetProperty("unpacked_metadata").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("name: fixture", File.ReadAllText(Path.Combine(context.MetadataDirectory, "metadata.yaml")));
        Assert.Equal(files["index.js"], File.ReadAllBytes(Path.Combine(context.PackagePath, "index.js")));
    }

    [Fact]
    public async Task An_ecosystem_with_no_registry_is_a_fatal_error_that_lists_the_known_ones()
    {
        var (attempt, _) = await RunInit(AnalysisRequest.ForPackage("hackage", "text", "2.0"));
        Assert.True(attempt.Report.Error!.Fatal);
        Assert.Contains("'hackage' is not an ecosystem this version fetches from (npm, nuget, pypi, maven, rubygems, crates, go)", attempt.Report.Error.Message);
    }

    [Fact]
    public void Every_ecosystem_of_the_catalog_has_its_own_version_source_and_artifact_source()
    {
        var catalog = services.GetRequiredService<EcosystemCatalog>();
        Assert.Equal(["crates", "go", "maven", "npm", "nuget", "pypi", "rubygems"], catalog.All.Select(e => e.Id));
        Assert.All(catalog.All, e => Assert.Equal(e.Id, e.VersionSource!.Ecosystem));
        Assert.All(catalog.All, e => Assert.Equal(e.Id, e.ArtifactSource!.Ecosystem));
    }

    [Fact]
    public void Removing_a_cache_folder_prunes_the_empty_package_folders_up_to_the_root()
    {
        var request = AnalysisRequest.ForPackage("npm", "@scope/name", "1.0.0");
        var first = AnalysisCache.PathFor(CacheRoot, request.ToRequestView(), "a1");
        var second = AnalysisCache.PathFor(CacheRoot, request.ToRequestView(), "a2");
        work.WriteFile(Path.GetRelativePath(work.Path, Path.Combine(first, "package", "x")), [1]);
        work.WriteFile(Path.GetRelativePath(work.Path, Path.Combine(second, "package", "x")), [1]);
        Assert.Equal(Path.Combine(CacheRoot, "npm", "@scope%2Fname", "1.0.0", "a1"), first);

        AnalysisCache.Delete(first, CacheRoot);
        Assert.False(Directory.Exists(first));
        Assert.True(Directory.Exists(second), "another analysis of the same version keeps its folder");

        AnalysisCache.Delete(second, CacheRoot);
        Assert.True(Directory.Exists(CacheRoot));
        Assert.Empty(Directory.EnumerateFileSystemEntries(CacheRoot));
    }

    public void Dispose()
    {
        services.Dispose();
        server.Dispose();
        work.Dispose();
    }
}
