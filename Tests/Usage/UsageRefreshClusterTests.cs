using Cucos.Grains.Hosting;
using Cucos.Grains.Usage;
using Cucos.Tests.Support;
using Cucos.Usage;

namespace Cucos.Tests.Usage;

/// <summary>
/// The usage refresh on an in-memory cluster against the loopback BigQuery server: a quota error, a job that is not
/// complete at first and a paged result end in ranked figures, which the usage worker reads (and before any refresh, skips).
/// </summary>
[Trait("Category", "Cluster")]
public sealed class UsageRefreshClusterTests : IDisposable
{
    private readonly ServiceAccount account = new();
    private readonly BigQueryServer server;
    private readonly TempDirectory cache = new("cucos-cache");
    private readonly TempDirectory package = new("cucos-package");

    public UsageRefreshClusterTests()
    {
        server = new BigQueryServer(account.Key);
        server.Rows.AddRange([("express", 90), ("lodash", 120), ("left-pad", 3), ("chalk", 40), ("debug", 40)]);
        Fixtures.WriteTree(package.Path, Fixtures.SmallPackage());
    }

    [Fact]
    public async Task A_refresh_survives_a_quota_error_polls_the_job_reads_every_page_and_the_worker_reads_the_figures()
    {
        var cluster = await UsageClusters.StartAsync(cache.Path, silo => silo.UseCucosInMemoryStorage(), UsageClusters.Settings(server, account));
        try
        {
            var before = await cluster.UsageResultAsync(package.Path, "lodash");
            Assert.Equal("skipped", before.GetProperty("summary").GetProperty("status").GetString());
            Assert.Contains("no usage figures for test yet", before.GetProperty("summary").GetProperty("reason").GetString(), StringComparison.Ordinal);

            server.Fail(403, "quotaExceeded", "Quota exceeded: Your project exceeded quota for free query bytes scanned.");
            server.IncompletePolls = 2;
            var refresh = cluster.Refresh();
            await refresh.RefreshNowAsync();
            var status = await refresh.WaitAsync(s => s.LastRefreshedAt is not null);

            Assert.Null(status.LastError);
            Assert.Null(status.RefreshId);
            Assert.Equal(5, status.LastPackages);
            // The quota error stopped the first try; the retry (on the resume reminder) ran the query again and finished.
            Assert.Equal(2, status.Attempts);
            Assert.Equal(2, server.Count("POST", "/queries"));
            Assert.Equal(2, server.Requests.Count(r => r.Method == "GET" && !r.PathAndQuery.Contains("pageToken", StringComparison.Ordinal)));
            Assert.Equal(1, server.Count("GET", "pageToken=p2"));
            Assert.Equal(1, server.Count("GET", "pageToken=p4"));
            Assert.Equal(1, server.TokensIssued);

            var store = cluster.SiloService<IUsageStore>();
            Assert.IsType<Grains.Usage.InMemoryUsageStore>(store);
            Assert.Equal((120L, 100.0), Figure(await store.GetAsync("test", "LODASH", default)));
            Assert.Equal((3L, 0.0), Figure(await store.GetAsync("test", "left-pad", default)));
            // Ties share a rank: chalk and debug both have one package below them of the four others.
            Assert.Equal((40L, 25.0), Figure(await store.GetAsync("test", "chalk", default)));
            Assert.Equal((40L, 25.0), Figure(await store.GetAsync("test", "debug", default)));
            Assert.Equal((90L, 75.0), Figure(await store.GetAsync("test", "express", default)));

            var after = await cluster.UsageResultAsync(package.Path, "lodash");
            var summary = after.GetProperty("summary");
            Assert.Equal("counted", summary.GetProperty("status").GetString());
            Assert.Equal(120, summary.GetProperty("repositories").GetInt64());
            Assert.Equal(100.0, summary.GetProperty("percentile").GetDouble());
            Assert.Equal(status.LastRefreshedAt!.Value, summary.GetProperty("refreshed_at").GetDateTimeOffset());
            Assert.Equal(0, summary.GetProperty("dependents").GetInt32());

            var unlisted = (await cluster.UsageResultAsync(package.Path, "never-used")).GetProperty("details").GetProperty("usage");
            Assert.False(unlisted.GetProperty("listed").GetBoolean());
            Assert.Equal(0, unlisted.GetProperty("repositories").GetInt64());
            Assert.Equal(5, unlisted.GetProperty("packages_in_refresh").GetInt64());
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_bad_key_abandons_the_refresh_with_a_clear_error_and_no_key_in_it()
    {
        var settings = UsageClusters.Settings(server, account) with { Key = """{"type":"service_account","client_email":"a@b","private_key":"-----BEGIN PRIVATE KEY-----\nsecretsecret\n-----END PRIVATE KEY-----"}""" };
        var cluster = await UsageClusters.StartAsync(cache.Path, silo => silo.UseCucosInMemoryStorage(), settings);
        try
        {
            var refresh = cluster.Refresh();
            await refresh.RefreshNowAsync();
            var status = await refresh.WaitAsync(s => s.LastError is not null && s.RefreshId is null);
            Assert.Contains("not a PEM RSA private key", status.LastError, StringComparison.Ordinal);
            Assert.Contains(UsageSettings.KeyKey, status.LastError, StringComparison.Ordinal);
            Assert.DoesNotContain("secretsecret", status.LastError, StringComparison.Ordinal);
            Assert.Null(status.LastRefreshedAt);
            Assert.Equal(0, server.TokensIssued);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    private static (long, double) Figure(UsageFigure? figure)
    {
        Assert.NotNull(figure);
        return (figure.Repositories, figure.Percentile);
    }

    public void Dispose()
    {
        server.Dispose();
        account.Dispose();
        cache.Dispose();
        package.Dispose();
    }
}
