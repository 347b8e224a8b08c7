using System.Security.Cryptography;
using Cucos.Tests.Support;

namespace Cucos.Tests.MultiHost;

/// <summary>
/// The lab the multi-host tests share: a network of namespaces with PostgreSQL on its own host (.2), three silo hosts
/// (.11, .12, .13) and a registry the silos reach at the lab's own address. Each test starts its own silos on a database
/// of its own (<see cref="StartClusterAsync"/>). Nothing is made when <see cref="NetworkLab.Unavailable"/> says the
/// lab cannot run here; the tests are skipped with that reason.
/// </summary>
public sealed class MultiHostFixture : IAsyncLifetime
{
    public const int SiloHosts = 3;
    private const int RegistryPort = 8081;
    private readonly List<LabHost> siloHosts = [];
    private NetworkLab? lab;

    public NetworkLab Lab => lab ?? throw new InvalidOperationException("the lab was not created: " + NetworkLab.Unavailable());
    public PostgresServer Postgres { get; private set; } = null!;
    public LabHost DatabaseHost { get; private set; } = null!;
    public IReadOnlyList<LabHost> SiloHostList => siloHosts;
    public RegistryServer Registry { get; private set; } = null!;
    public Uri RegistryUrl => Registry.BaseUrl;

    /// <summary>How long the registry takes to send a tarball: long enough for a kill to catch fetches in flight.</summary>
    public TimeSpan FetchDelay { get; set; } = TimeSpan.FromMilliseconds(800);

    public static string PackageName(int index) => $"lab-{index}";

    public async Task InitializeAsync()
    {
        if (NetworkLab.Unavailable() is not null)
            return;
        // The registry's slow tarballs block a pool thread each (its routes are synchronous): room for a batch at once.
        ThreadPool.GetMinThreads(out var workers, out var ports);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), ports);
        lab = await NetworkLab.CreateAsync();
        DatabaseHost = await lab.AddHostAsync("pg", 2);
        for (var i = 0; i < SiloHosts; i++)
            siloHosts.Add(await lab.AddHostAsync($"s{i + 1}", 11 + i));
        Postgres = new PostgresServer { NetworkNamespace = DatabaseHost.Namespace, ListenAddress = DatabaseHost.Address.ToString() };
        await Postgres.InitializeAsync();
        // Opened in the lab's namespace, the registry listens on the lab's address, where every host reaches it.
        Registry = await lab.InLabAsync(() => new RegistryServer(lab.Address, RegistryPort));
        MapPackages();
    }

    /// <summary>npm packages lab-0 … lab-999, one version each, served with the tarball URLs the silos reach.</summary>
    private void MapPackages()
    {
        var tarball = ArchiveBuilder.TarBytes(gzip: true, w =>
        {
            foreach (var (path, content) in Fixtures.SmallPackage(seed: 22))
                w.AddFile("package/" + path, content);
        });
        var integrity = "sha512-" + Convert.ToBase64String(SHA512.HashData(tarball));
        for (var i = 0; i < 1000; i++)
        {
            var name = PackageName(i);
            var tarballPath = $"/{name}/-/{name}-1.0.0.tgz";
            Registry.Map("/" + name, Reply.Json(new Dictionary<string, object>
            {
                ["name"] = name,
                ["dist-tags"] = new { latest = "1.0.0" },
                ["versions"] = new Dictionary<string, object>
                {
                    ["1.0.0"] = new { name, version = "1.0.0", dist = new { tarball = new Uri(RegistryUrl, tarballPath).AbsoluteUri, integrity } },
                },
            }));
            Registry.Map(tarballPath, () =>
            {
                Thread.Sleep(FetchDelay);
                return Reply.File(tarball);
            });
        }
    }

    public Task<LabCluster> StartClusterAsync(Action<string>? log = null, IReadOnlyDictionary<string, string>? extraEnvironment = null) =>
        LabCluster.StartAsync(this, log ?? (_ => { }), extraEnvironment);

    public async Task DisposeAsync()
    {
        try
        {
            if (lab is not null)
                await Postgres.DisposeAsync();
        }
        finally
        {
            Registry?.Dispose();
            if (lab is not null)
                await lab.DisposeAsync();
        }
    }
}

/// <summary>Skipped, with the reason, where the network lab cannot be made (not root, no ip tool).</summary>
public sealed class NetworkLabFactAttribute : FactAttribute
{
    public NetworkLabFactAttribute() => Skip = NetworkLab.Unavailable();
}
