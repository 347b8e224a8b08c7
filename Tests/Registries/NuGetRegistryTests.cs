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

/// <summary>NuGet v3 against loopback sources named in a NuGet.Config read by NuGet.Configuration, credentials included.</summary>
[Trait("Category", "Unit")]
public sealed class NuGetRegistryTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-nuget");
    private readonly RegistryServer server = new();
    private readonly byte[] nupkg = ArchiveBuilder.ZipBytes(zip =>
    {
        zip.AddFile("Fixture.Lib.nuspec", "<package><metadata><id>Fixture.Lib</id><version>1.0.0</version></metadata></package>"u8.ToArray());
        zip.AddFile("lib/net8.0/Fixture.Lib.dll", [0x4D, 0x5A, 1, 2, 3]);
    });
    private const string Nuspec = "<?xml version=\"1.0\"?><package><metadata><id>Fixture.Lib</id><version>1.0.0</version></metadata></package>";

    private string Artifacts => work.Combine("artifact");
    private string Metadata => work.Combine("metadata");

    /// <summary>A v3 source on <paramref name="server"/> under <paramref name="prefix"/>, its flat container holding <paramref name="versions"/>.</summary>
    private static void ServeSource(RegistryServer server, string prefix, string[] versions, byte[]? package = null)
    {
        server.Map($"/{prefix}/index.json", Reply.Json(new Dictionary<string, object>
        {
            ["version"] = "3.0.0",
            ["resources"] = new object[]
            {
                new Dictionary<string, string> { ["@id"] = server.Url($"/{prefix}/query"), ["@type"] = "SearchQueryService" },
                new Dictionary<string, string> { ["@id"] = server.Url($"/{prefix}/flat"), ["@type"] = "PackageBaseAddress/3.0.0" },
            },
        }));
        if (versions.Length > 0)
            server.Map($"/{prefix}/flat/fixture.lib/index.json", Reply.Json(new { versions }));
        foreach (var version in versions)
        {
            server.Map($"/{prefix}/flat/fixture.lib/{version}/fixture.lib.{version}.nupkg", Reply.File(package ?? []));
            server.Map($"/{prefix}/flat/fixture.lib/{version}/fixture.lib.nuspec", Reply.Text(Nuspec, "application/xml"));
        }
    }

    private NuGetRegistry Registry(string sources, string credentials = "")
    {
        var config = work.WriteFile("NuGet.Config", Encoding.UTF8.GetBytes($"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                {sources}
              </packageSources>
              <packageSourceCredentials>{credentials}</packageSourceCredentials>
            </configuration>
            """));
        return new NuGetRegistry(Http(), new NuGetConfigSource(work.Path, config));
    }

    [Fact]
    public async Task Fetches_the_nupkg_and_keeps_the_nuspec_with_the_configured_credentials()
    {
        ServeSource(server, "v3", ["0.9.0", "1.0.0"], nupkg);
        server.RequiredAuthorization = "Basic " + Convert.ToBase64String("ci-user:p@ss"u8.ToArray());
        var registry = Registry(
            $"""<add key="private" value="{server.Url("/v3/index.json")}" protocolVersion="3" />""",
            """<private><add key="Username" value="ci-user" /><add key="ClearTextPassword" value="p@ss" /></private>""");

        var fetched = await registry.FetchAsync("Fixture.Lib", "1.0", Artifacts, Metadata, CancellationToken.None);

        Assert.Equal("fixture.lib.1.0.0.nupkg", fetched.Archive.FileName);
        Assert.Equal(nupkg, File.ReadAllBytes(fetched.Archive.Path));
        Assert.Equal(Sha512(nupkg), fetched.Archive.Digests.Sha512);
        var nuspec = Assert.Single(fetched.Metadata);
        Assert.Equal(Nuspec, File.ReadAllText(nuspec.Path));
        Assert.Contains("the NuGet source 'private'", fetched.Registry);
        Assert.All(server.Requests, r => Assert.Equal(server.RequiredAuthorization, r.Authorization));
        Assert.Equal(["0.9.0", "1.0.0"], await registry.ListVersionsAsync("Fixture.Lib", CancellationToken.None));
    }

    [Fact]
    public async Task A_source_that_serves_no_nuspec_gets_the_one_inside_the_package()
    {
        ServeSource(server, "mirror", ["1.0.0"], nupkg);
        server.Map("/mirror/flat/fixture.lib/1.0.0/fixture.lib.nuspec", new Reply(404, []));
        var registry = Registry($"""<add key="mirror" value="{server.Url("/mirror/index.json")}" />""");

        var fetched = await registry.FetchAsync("Fixture.Lib", "1.0.0", Artifacts, Metadata, CancellationToken.None);

        var nuspec = Assert.Single(fetched.Metadata);
        Assert.Equal("fixture.lib.nuspec", nuspec.FileName);
        Assert.EndsWith(".nupkg#Fixture.Lib.nuspec", nuspec.Url);
        Assert.Contains("<id>Fixture.Lib</id>", File.ReadAllText(nuspec.Path));
    }

    [Fact]
    public async Task The_first_source_that_has_the_version_serves_it()
    {
        ServeSource(server, "empty", []);
        ServeSource(server, "old", ["0.9.0"]);
        ServeSource(server, "full", ["1.0.0"], nupkg);
        var registry = Registry(string.Join("\n", new[] { "empty", "old", "full" }.Select(
            name => $"""<add key="{name}" value="{server.Url($"/{name}/index.json")}" />""")));

        var fetched = await registry.FetchAsync("fixture.lib", "1.0.0", Artifacts, Metadata, CancellationToken.None);

        Assert.Equal(server.Url("/full/flat/fixture.lib/1.0.0/fixture.lib.1.0.0.nupkg"), fetched.Archive.Url);
    }

    [Fact]
    public async Task An_unknown_package_is_not_found_in_the_configured_sources()
    {
        ServeSource(server, "v3", []);
        var registry = Registry($"""<add key="only" value="{server.Url("/v3/index.json")}" />""");

        var notFound = await Assert.ThrowsAsync<PackageNotFoundException>(() => registry.FetchAsync("Fixture.Lib", "1.0.0", Artifacts, Metadata, CancellationToken.None));

        Assert.Contains($"was not found in the NuGet source 'only' ({server.Url("/v3/index.json")})", notFound.Message);
    }

    [Fact]
    public async Task A_config_with_no_source_says_how_to_add_one()
    {
        var refused = await Assert.ThrowsAsync<RegistryException>(() => Registry("").ListVersionsAsync("Fixture.Lib", CancellationToken.None));
        Assert.Contains("dotnet nuget add source", refused.Message);
    }

    [Theory]
    [InlineData("1.0", "1.0.0")]
    [InlineData("1.0.0.0", "1.0.0")]
    [InlineData("1.2.3.4", "1.2.3.4")]
    [InlineData("01.002.3-Beta.1+build.5", "1.2.3-beta.1")]
    public void Versions_are_normalised_as_the_flat_container_names_them(string version, string normalised) =>
        Assert.Equal(normalised, NuGetRegistry.NormalizeVersion(version));

    public void Dispose()
    {
        server.Dispose();
        work.Dispose();
    }
}
