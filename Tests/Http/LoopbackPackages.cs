using System.Security.Cryptography;
using Cucos.Tests.Support;
using static Cucos.Tests.Registries.RegistryTestSupport;

// The namespace is HttpApi, not Http, so it does not hide RegistryTestSupport.Http() in the registry tests.
namespace Cucos.Tests.HttpApi;

/// <summary>
/// Packages whose names hold '/', '@' and ':' on a loopback registry, and the environment that points a silo process
/// at it, so the HTTP tests never reach the internet: the npm package <c>@acme/widget@1.0.0</c> (npm_config_registry)
/// with 1.1.0, <c>@acme/gadget@1.0.0</c> and 2.0.0 (an upgrade: a dependency bumped, an install script added) with the
/// dependency they resolve, and the Maven artifact <c>org.example:lib@1.0</c> (Cucos__Registries__maven).
/// </summary>
public sealed class LoopbackPackages : IDisposable
{
    public const string NpmName = "@acme/widget";
    public const string MavenName = "org.example:lib";
    public const string NpmDeprecation = "1.0.0 leaks widgets: upgrade to 1.1.0";

    public LoopbackPackages()
    {
        NpmTarball = ArchiveBuilder.TarBytes(gzip: true, w =>
        {
            foreach (var (path, content) in Files)
                w.AddFile("package/" + path, content);
        });
        // 1.1.0: the first file grown by a line, one file more (what a version diff shows).
        NextFiles = new Dictionary<string, byte[]>(Files) { [ChangedFile] = [.. Files[ChangedFile], .. "\n// one more line in 1.1.0\n"u8.ToArray()], [AddedFile] = "added in 1.1.0\n"u8.ToArray() };
        NpmNextTarball = ArchiveBuilder.TarBytes(gzip: true, w =>
        {
            foreach (var (path, content) in NextFiles)
                w.AddFile("package/" + path, content);
        });
        Server.Map("/@acme%2fwidget", Reply.Json(new Dictionary<string, object>
        {
            ["name"] = NpmName,
            // What registry_lifecycle reads: the latest tag, publication times, 1.0.0 deprecated, a maintainer added in 1.1.0.
            ["dist-tags"] = new { latest = "1.1.0" },
            ["time"] = new Dictionary<string, string>
            {
                ["created"] = "2025-01-10T00:00:00.000Z",
                ["1.0.0"] = "2025-01-10T00:00:00.000Z",
                ["1.1.0"] = "2025-02-19T00:00:00.000Z",
            },
            ["versions"] = new Dictionary<string, object>
            {
                ["1.0.0"] = new
                {
                    name = NpmName,
                    version = "1.0.0",
                    deprecated = NpmDeprecation,
                    maintainers = new[] { new { name = "ann", email = "ann@example.test" } },
                    dist = new { tarball = Server.Url("/@acme/widget/-/widget-1.0.0.tgz"), integrity = "sha512-" + Convert.ToBase64String(SHA512.HashData(NpmTarball)) },
                },
                ["1.1.0"] = new
                {
                    name = NpmName,
                    version = "1.1.0",
                    maintainers = new[] { new { name = "ann", email = "ann@example.test" }, new { name = "ben", email = "ben@example.test" } },
                    dist = new { tarball = Server.Url("/@acme/widget/-/widget-1.1.0.tgz"), integrity = "sha512-" + Convert.ToBase64String(SHA512.HashData(NpmNextTarball)) },
                },
            },
        }));
        Server.Map("/@acme/widget/-/widget-1.0.0.tgz", Reply.File(NpmTarball));
        Server.Map("/@acme/widget/-/widget-1.1.0.tgz", Reply.File(NpmNextTarball));

        MapUpgrade();

        Jar = ArchiveBuilder.ZipBytes(zip =>
        {
            zip.AddFile("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"u8.ToArray());
            foreach (var (path, content) in Files)
                zip.AddFile(path, content);
        });
        foreach (var (file, content) in new[] { ("lib-1.0.jar", Jar), ("lib-1.0.pom", "<project/>"u8.ToArray()) })
        {
            Server.Map($"/maven2/org/example/lib/1.0/{file}", Reply.File(content));
            Server.Map($"/maven2/org/example/lib/1.0/{file}.sha1", Reply.Text(Sha1(content)));
        }
    }

    public RegistryServer Server { get; } = new();
    public Dictionary<string, byte[]> Files { get; } = Fixtures.SmallPackage(seed: 31);
    public byte[] NpmTarball { get; }
    /// <summary>The files of <c>@acme/widget@1.1.0</c>: <see cref="Files"/> with <see cref="ChangedFile"/> changed and <see cref="AddedFile"/> added.</summary>
    public Dictionary<string, byte[]> NextFiles { get; }
    public byte[] NpmNextTarball { get; }
    public string ChangedFile => Files.Keys.Order(StringComparer.Ordinal).First();
    public const string AddedFile = "lib/added-in-1.1.0.js";
    public byte[] Jar { get; }

    /// <summary>
    /// An npm package whose second version is an upgrade a review should look at: <see cref="UpgradeName"/> 1.0.0
    /// depends on <see cref="HelperName"/> ^1.0.0 (1.1.0 on this registry); 2.0.0 on ^2.0.0 (2.0.0), adds a
    /// postinstall script and the file it runs, and edits one line of <see cref="UpgradeChangedFile"/>.
    /// </summary>
    public const string UpgradeName = "@acme/gadget";
    public const string HelperName = "@acme/helper";
    public const string UpgradeChangedFile = "lib/gadget.js";
    public const string UpgradeAddedFile = "setup.js";
    public const string UpgradeInstallScript = "node setup.js";

    /// <summary>The files of <see cref="UpgradeName"/> by version, paths inside the tarball's package/ folder.</summary>
    public Dictionary<string, Dictionary<string, byte[]>> UpgradeFiles { get; } = [];

    private void MapUpgrade()
    {
        // Large enough for ssdeep to give the edited file a score between "unrelated" and "the same".
        var library = string.Concat(Enumerable.Range(0, 300).Select(i => $"exports.step{i} = function (value) {{ return value * {i} + {i % 7}; }};\n"));
        var versions = new Dictionary<string, object>();
        foreach (var (version, range, scripts) in new[]
        {
            ("1.0.0", "^1.0.0", (Dictionary<string, string>?)null),
            ("2.0.0", "^2.0.0", new Dictionary<string, string> { ["postinstall"] = UpgradeInstallScript }),
        })
        {
            var dependencies = new Dictionary<string, string> { [HelperName] = range };
            var manifest = new Dictionary<string, object> { ["name"] = UpgradeName, ["version"] = version, ["license"] = "MIT", ["dependencies"] = dependencies };
            if (scripts is not null)
                manifest["scripts"] = scripts;
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
            {
                ["package.json"] = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(manifest),
                ["index.js"] = "module.exports = require('./lib/gadget');\n"u8.ToArray(),
                [UpgradeChangedFile] = System.Text.Encoding.UTF8.GetBytes(version == "1.0.0" ? library : library.Replace("value * 150 + 3", "value * 150 + 4", StringComparison.Ordinal)),
            };
            if (scripts is not null)
                files[UpgradeAddedFile] = "console.log('set up');\n"u8.ToArray();
            UpgradeFiles[version] = files;
            var tarball = ArchiveBuilder.TarBytes(gzip: true, w =>
            {
                foreach (var (path, content) in files)
                    w.AddFile("package/" + path, content);
            });
            var file = $"/@acme/gadget/-/gadget-{version}.tgz";
            Server.Map(file, Reply.File(tarball));
            // The registry's manifest says what the tarball's package.json says, so supply_chain sees no manifest confusion.
            versions[version] = new Dictionary<string, object>(manifest)
            {
                ["dist"] = new { tarball = Server.Url(file), integrity = "sha512-" + Convert.ToBase64String(SHA512.HashData(tarball)) },
            };
        }
        Server.Map("/@acme%2fgadget", Reply.Json(new Dictionary<string, object>
        {
            ["name"] = UpgradeName,
            ["dist-tags"] = new { latest = "2.0.0" },
            ["versions"] = versions,
        }));
        // Only listed: dependency_snapshot resolves the ranges against these versions and downloads nothing.
        Server.Map("/@acme%2fhelper", Reply.Json(new Dictionary<string, object>
        {
            ["name"] = HelperName,
            ["dist-tags"] = new { latest = "2.0.0" },
            ["versions"] = new[] { "1.0.0", "1.1.0", "2.0.0", "3.0.0-beta.1" }.ToDictionary(v => v, v => (object)new { name = HelperName, version = v }),
        }));
    }

    /// <summary>The silo process environment that makes its registries this server.</summary>
    public Dictionary<string, string> SiloEnvironment() => new()
    {
        ["npm_config_registry"] = Server.BaseUrl.AbsoluteUri,
        ["Cucos__Registries__maven"] = Server.Url("/maven2/"),
    };

    public void Dispose() => Server.Dispose();
}

/// <summary>One silo process in the in-memory profile, its registries on loopback: for the API and CLI tests.</summary>
public sealed class HttpSiloFixture : IAsyncLifetime
{
    private readonly TempDirectory cache = new("cucos-http-cache");

    public LoopbackPackages Packages { get; } = new();
    public SiloProcess Silo { get; private set; } = null!;
    public string ClusterId { get; } = "http-" + Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        Silo = await SiloProcess.StartAsync(cache.Path, ClusterId, Packages.SiloEnvironment());
        await HttpWait.ReadyAsync(Silo, TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        Packages.Dispose();
        cache.Dispose();
    }
}
