using System.Security.Cryptography;
using System.Text;
using Cucos.Client;
using Cucos.Grains.Hosting;
using Cucos.Messages;
using Cucos.Tests.Support;
using Cucos.Workers.Ecosystems.Npm;
using Cucos.Workers.SecurityIssues;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Cucos.Tests.SecurityIssues;

/// <summary>A whole analysis of npm:serve-static@1.7.1 from a loopback registry, checked against an offline OSV directory.</summary>
[Trait("Category", "Cluster")]
public sealed class SecurityIssuesClusterTests : IAsyncLifetime
{
    private readonly TempDirectory work = new("cucos-security-cluster");
    private readonly RegistryServer registry = new();
    private InProcessTestCluster cluster = null!;

    public async Task InitializeAsync()
    {
        var tarball = ArchiveBuilder.TarBytes(gzip: true, w =>
        {
            w.AddFile("package/package.json", Encoding.UTF8.GetBytes("""{"name": "serve-static", "version": "1.7.1", "license": "MIT"}"""));
            w.AddFile("package/index.js", "module.exports = function serveStatic() {};\n"u8.ToArray());
        });
        registry.Map("/npm/serve-static", Reply.Json(new Dictionary<string, object>
        {
            ["name"] = "serve-static",
            ["dist-tags"] = new { latest = "1.7.2" },
            ["versions"] = new Dictionary<string, object>
            {
                ["1.7.1"] = new
                {
                    name = "serve-static",
                    version = "1.7.1",
                    dist = new { tarball = registry.Url("/npm/serve-static/-/serve-static-1.7.1.tgz"), integrity = "sha512-" + Convert.ToBase64String(SHA512.HashData(tarball)) },
                },
                ["1.7.2"] = new { name = "serve-static", version = "1.7.2", dist = new { tarball = registry.Url("/npm/serve-static/-/serve-static-1.7.2.tgz") } },
            },
        }));
        registry.Map("/npm/serve-static/-/serve-static-1.7.1.tgz", Reply.File(tarball));
        work.WriteFile("home/.npmrc", Encoding.UTF8.GetBytes($"registry={registry.BaseUrl}npm/\n"));
        OsvFixtures.WriteZip(work, "advisories/npm", OsvFixtures.ServeStatic, OsvFixtures.Lodash);

        var builder = ClusterFixture.CreateBuilder(work.Combine("cache"), silo => silo.UseCucosInMemoryStorage());
        builder.ConfigureSiloHost((_, host) => host.Services
            .AddSingleton(new NpmConfigSource(work.Path, work.Combine("home"), new Dictionary<string, string>(), AskNpm: false))
            .AddSingleton(new AdvisorySettings(work.Combine("advisories"), null)));
        cluster = builder.Build();
        await cluster.DeployAsync();
    }

    [Fact]
    public async Task Serve_static_1_7_1_reports_its_open_redirect_with_upgrade_to_1_7_2()
    {
        var client = cluster.Client.ServiceProvider.GetRequiredService<ICucosClient>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var ticket = await client.StartAnalysisAsync(AnalysisRequest.ParsePackage("npm:serve-static@1.7.1", tasks: [SecurityIssuesTask.TaskName]));
        var analysis = await client.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);

        Assert.True(analysis.Tasks[SecurityIssuesTask.TaskName].Status == Cucos.State.AnalysisTaskStatus.Succeeded,
            $"security_issues: {analysis.Tasks[SecurityIssuesTask.TaskName].Status} {analysis.Tasks[SecurityIssuesTask.TaskName].Error?.Message}");
        var document = (await client.GetResultAsync(ticket.AnalysisId, SecurityIssuesTask.TaskName))!.Value;
        ResultSchemas.AssertValid(SecurityIssuesTask.TaskName, document);
        var finding = Assert.Single(document.Findings());
        Assert.Equal("GHSA-c3x7-gjmx-r2ff", finding.GetProperty("id").GetString());
        Assert.Contains("CVE-2015-1164", finding.GetProperty("aliases").Strings());
        Assert.Equal("upgrade to 1.7.2", finding.GetProperty("advice").GetString());
        Assert.Equal("1.7.2", document.Summary().GetProperty("upgrade_to").GetString());
    }

    public async Task DisposeAsync()
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
        registry.Dispose();
        work.Dispose();
    }
}
