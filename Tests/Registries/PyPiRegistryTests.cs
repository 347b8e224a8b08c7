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

/// <summary>PyPI's JSON API against a loopback server: sdist before wheel, sha256 checked, base URL from Cucos configuration.</summary>
[Trait("Category", "Unit")]
public sealed class PyPiRegistryTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-pypi");
    private readonly RegistryServer server = new();
    private readonly byte[] sdist = ArchiveBuilder.TarBytes(gzip: true, w => w.AddFile("fixture-1.0.0/setup.py", "from setuptools import setup\n"u8.ToArray()));
    private readonly byte[] wheel = ArchiveBuilder.ZipBytes(zip => zip.AddFile("fixture/__init__.py", "x = 1\n"u8.ToArray()));

    private string Artifacts => work.Combine("artifact");

    private PyPiRegistry Registry() => new(Http(), Settings("pypi", server.BaseUrl));

    [Fact]
    public async Task The_sdist_is_preferred_to_the_wheel_and_its_sha256_verified()
    {
        PyPiRelease(server, "fixture", "1.0.0",
            ("bdist_wheel", "fixture-1.0.0-py3-none-any.whl", wheel, null), ("sdist", "fixture-1.0.0.tar.gz", sdist, null));

        var fetched = await Registry().FetchAsync("fixture", "1.0.0", Artifacts, work.Combine("metadata"), CancellationToken.None);

        Assert.Equal("fixture-1.0.0.tar.gz", fetched.Archive.FileName);
        Assert.Equal("sdist", fetched.Archive.Kind);
        Assert.Equal("sha256:" + Sha256(sdist), fetched.Archive.Verified);
        Assert.Equal(server.Url("/packages/fixture-1.0.0.tar.gz"), fetched.Archive.Url);
    }

    [Fact]
    public async Task Without_an_sdist_the_pure_python_wheel_is_taken()
    {
        PyPiRelease(server, "fixture", "1.0.0",
            ("bdist_wheel", "fixture-1.0.0-cp312-cp312-manylinux_2_17_x86_64.whl", wheel, null), ("bdist_wheel", "fixture-1.0.0-py3-none-any.whl", wheel, null));

        var fetched = await Registry().FetchAsync("fixture", "1.0.0", Artifacts, work.Combine("metadata"), CancellationToken.None);

        Assert.Equal("fixture-1.0.0-py3-none-any.whl", fetched.Archive.FileName);
    }

    [Fact]
    public async Task A_file_whose_sha256_differs_is_refused()
    {
        PyPiRelease(server, "fixture", "1.0.0", ("sdist", "fixture-1.0.0.tar.gz", sdist, Sha256(wheel)));
        var refused = await Assert.ThrowsAsync<RegistryException>(() => Registry().FetchAsync("fixture", "1.0.0", Artifacts, work.Combine("metadata"), CancellationToken.None));
        Assert.Contains("is not the published package", refused.Message);
        Assert.False(File.Exists(Path.Combine(Artifacts, "fixture-1.0.0.tar.gz")));
    }

    [Fact]
    public async Task Lists_the_releases_and_reports_unknown_projects_as_not_found()
    {
        server.Map("/pypi/fixture/json", Reply.Json(new { info = new { name = "fixture" }, releases = new Dictionary<string, object[]> { ["0.9"] = [], ["1.0.0"] = [] } }));

        Assert.Equal(["0.9", "1.0.0"], await Registry().ListVersionsAsync("fixture", CancellationToken.None));
        var notFound = await Assert.ThrowsAsync<PackageNotFoundException>(() => Registry().ListVersionsAsync("nope", CancellationToken.None));
        Assert.Contains($"was not found in PyPI at {server.BaseUrl}", notFound.Message);
    }

    [Fact]
    public async Task With_no_base_url_configured_the_error_names_the_setting()
    {
        var registry = new PyPiRegistry(Http(), new RegistrySettings(new Dictionary<string, string>()));
        var refused = await Assert.ThrowsAsync<RegistryException>(() => registry.ListVersionsAsync("fixture", CancellationToken.None));
        Assert.Contains("set Cucos:Registries:pypi (environment variable Cucos__Registries__pypi, or --registry pypi=URL)", refused.Message);
    }

    public void Dispose()
    {
        server.Dispose();
        work.Dispose();
    }
}
