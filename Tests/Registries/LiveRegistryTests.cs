using Cucos.Sdk.Ecosystems;
using Cucos.Tests.Support;
using Cucos.Workers.Ecosystems.Crates;
using Cucos.Workers.Ecosystems.Go;
using Cucos.Workers.Ecosystems.Maven;
using Cucos.Workers.Ecosystems.Npm;
using Cucos.Workers.Ecosystems.Nuget;
using Cucos.Workers.Ecosystems.PyPi;
using Cucos.Workers.Ecosystems.RubyGems;
using Cucos.Workers.Init;
using Cucos.Workers.Registries;

using static Cucos.Tests.Registries.RegistryTestSupport;

namespace Cucos.Tests.Registries;

/// <summary>Runs only when <see cref="Variable"/> is 1: these tests call the real registries of the user's own configuration.</summary>
public sealed class LiveRegistryFactAttribute : FactAttribute
{
    public const string Variable = "CUCOS_LIVE_REGISTRY_TESTS";

    public LiveRegistryFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
            Skip = $"live registry test: it calls the npm and NuGet registries of your own .npmrc and NuGet.Config, so it never runs in CI; set {Variable}=1 to run it.";
    }
}

/// <summary>The npm and NuGet protocols against the registries configured on this machine.</summary>
[Trait("Category", "ReferenceTool")]
public sealed class LiveRegistryTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-live");

    [LiveRegistryFact]
    public async Task Npm_serve_static_1_7_1_is_fetched_verified_and_unpacked()
    {
        var registry = new NpmRegistry(Http(), NpmConfigSource.CurrentUser());

        var fetched = await registry.FetchAsync("serve-static", "1.7.1", work.Combine("artifact"), work.Combine("metadata"), CancellationToken.None);
        var report = new SafeArchiveExtractor(new ArchiveLimits()).Extract(fetched.Archive.Path, ArchiveFormat.TarGzip, work.Combine("package"), CancellationToken.None);

        Assert.NotNull(fetched.Archive.Verified);
        Assert.Contains("1.7.1", await registry.ListVersionsAsync("serve-static", CancellationToken.None));
        Assert.True(File.Exists(work.Combine("package", "package", "package.json")));
        Assert.True(report.Files > 2);
    }

    [LiveRegistryFact]
    public async Task NuGet_Newtonsoft_Json_13_0_1_is_fetched_with_its_nuspec()
    {
        var registry = new NuGetRegistry(Http(), NuGetConfigSource.CurrentUser());

        var fetched = await registry.FetchAsync("Newtonsoft.Json", "13.0.1", work.Combine("artifact"), work.Combine("metadata"), CancellationToken.None);

        Assert.Equal("newtonsoft.json.13.0.1.nupkg", fetched.Archive.FileName);
        Assert.Contains("<id>Newtonsoft.Json</id>", File.ReadAllText(Assert.Single(fetched.Metadata).Path));
        new SafeArchiveExtractor(new ArchiveLimits()).Extract(fetched.Archive.Path, ArchiveFormat.Zip, work.Combine("package"), CancellationToken.None);
        Assert.True(File.Exists(work.Combine("package", "Newtonsoft.Json.nuspec")));
    }

    public void Dispose() => work.Dispose();
}
