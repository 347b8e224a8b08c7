using Cucos.Cli;
using Cucos.Messages;
using Cucos.Persistence;
using Cucos.State;
using Cucos.Tests.HttpApi;
using Cucos.Tests.Support;

namespace Cucos.Tests.Security;

/// <summary>
/// Two silo processes clustered through PostgreSQL with mutual TLS on their silo and gateway ports: they form one
/// cluster (silo to silo over TLS), a client with a certificate the CA issued analyses a package, and a client with
/// no certificate, with one from another CA, or in plain TCP, cannot call any grain.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
[Trait("Category", "Processes")]
public sealed class TlsClusterTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly TestCertificates certificates = new();
    private readonly TempDirectory cache = new("cucos-tls-cache");
    private readonly LoopbackPackages packages = new();
    private readonly string clusterId = "tls-test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<SiloProcess> silos = [];

    public async Task InitializeAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        await new DatabaseMigrator(database).MigrateAsync();
        var environment = new Dictionary<string, string>(packages.SiloEnvironment()) { ["ConnectionStrings__Cucos"] = database };
        foreach (var (name, value) in certificates.SiloEnvironment())
            environment[name] = value;
        silos.AddRange(await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => SiloProcess.StartAsync(cache.Path, clusterId, environment))));
        await Task.WhenAll(silos.Select(s => HttpWait.ReadyAsync(s, TimeSpan.FromSeconds(90))));
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in silos)
            await silo.DisposeAsync();
        packages.Dispose();
        cache.Dispose();
        certificates.Dispose();
    }

    private string SiloOutput => string.Join("\n---\n", silos.Select(s => s.Output));

    [Fact]
    public async Task A_client_with_a_certificate_the_ca_issued_analyses_a_package_on_both_silos_joined_over_tls()
    {
        await using var remote = await RemoteClient.ConnectAsync(clusterId, certificates.Client(), CancellationToken.None, silos[0].GatewayPort);

        // Both silos active in one membership: the second joined the first over the TLS silo port.
        var hosts = await WaitForActiveSilosAsync(remote, 2);
        Assert.True(hosts == 2, $"{hosts} active silos; silo output:\n{SiloOutput}");
        var ticket = await remote.Client.StartAnalysisAsync(AnalysisRequest.ForPackage("npm", LoopbackPackages.NpmName, "1.0.0", force: true, tasks: ["digests"]));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var analysis = await remote.Client.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);

        Assert.True(analysis.Status == AnalysisStatus.Succeeded, $"analysis {analysis.Status}; silo output:\n{SiloOutput}");
        Assert.NotNull(await remote.Client.GetResultAsync(ticket.AnalysisId, "digests"));
    }

    [Fact]
    public async Task A_client_without_a_certificate_or_with_one_from_another_ca_cannot_call_any_grain()
    {
        foreach (var tls in new[] { null, certificates.Untrusted() })
        {
            // Refused either at once or by the Orleans client retrying the gateway until the limit: never a grain call.
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            var refused = await Record.ExceptionAsync(async () =>
            {
                await using var remote = await RemoteClient.ConnectAsync(clusterId, tls, limit.Token, silos[0].GatewayPort);
                await remote.Client.GetAnalysisAsync(Guid.NewGuid().ToString("N"), limit.Token);
            });
            Assert.True(refused is not null, $"a client {(tls is null ? "in plain TCP" : "with a certificate of another CA")} called a grain");
        }
    }

    [Fact]
    public async Task The_cli_with_a_certificate_analyses_and_without_one_says_to_give_it()
    {
        var gateway = $"127.0.0.1:{silos[1].GatewayPort}";
        var (exit, stdout, stderr) = await Run("analyze", "npm:@acme/widget@1.0.0", "--cluster", gateway, "--cluster-id", clusterId,
            "--tasks", "digests", "--force", "--quiet",
            "--tls-certificate", certificates.ClientCertificate, "--tls-key", certificates.ClientKey, "--tls-ca", certificates.CaFile);
        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}\n{SiloOutput}");
        Assert.Matches(@"Analysis [0-9a-f]{32} of npm:@acme/widget@1\.0\.0: succeeded in", stdout);

        (exit, _, stderr) = await Run("analyze", "npm:@acme/widget@1.0.0", "--cluster", gateway, "--cluster-id", clusterId, "--quiet");
        Assert.Equal(1, exit);
        Assert.Contains($"error: could not connect to the Cucos cluster's gateway at {gateway}: ", stderr);
        Assert.Contains("If the cluster requires TLS (Cucos:Tls on its silos), give --tls-certificate and --tls-ca.", stderr);
        Assert.DoesNotContain("   at ", stderr);

        (exit, _, stderr) = await Run("analyze", "npm:@acme/widget@1.0.0", "--cluster", gateway, "--cluster-id", clusterId, "--quiet",
            "--tls-certificate", certificates.UntrustedCertificate, "--tls-key", certificates.UntrustedKey, "--tls-ca", certificates.CaFile);
        Assert.Equal(1, exit);
        Assert.Contains("may refuse this client's certificate: check that --tls-certificate is issued by a CA the silos trust", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = await CucosCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static async Task<int> WaitForActiveSilosAsync(RemoteClient remote, int expected)
    {
        var management = remote.Cluster.GetGrain<IManagementGrain>(0);
        var active = 0;
        for (var attempt = 0; attempt < 60 && active < expected; attempt++)
        {
            active = (await management.GetHosts(onlyActive: true)).Count;
            if (active < expected)
                await Task.Delay(500);
        }
        return active;
    }
}
