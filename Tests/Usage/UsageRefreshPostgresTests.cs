using System.Text.Json;
using Cucos.Grains;
using Cucos.Grains.Results;
using Cucos.Persistence;
using Cucos.Tests.Support;
using Cucos.Usage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Cucos.Tests.Usage;

/// <summary>
/// The usage refresh in the PostgreSQL profile: stopped mid-refresh with the silo, it resumes in the next silo from the
/// stored job and page token (no second query); the figures land in cucos_usage, and dependents are found by SQL in
/// the stored dependency_snapshot results.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
[Trait("Category", "Cluster")]
public sealed class UsageRefreshPostgresTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly ServiceAccount account = new();
    private BigQueryServer server = null!;
    private readonly TempDirectory cache = new("cucos-cache");
    private readonly TempDirectory package = new("cucos-package");
    private string database = "";

    public async Task InitializeAsync()
    {
        server = new BigQueryServer(account.Key);
        server.Rows.AddRange([("express", 90), ("lodash", 120), ("left-pad", 3), ("chalk", 40), ("debug", 70)]);
        Fixtures.WriteTree(package.Path, Fixtures.SmallPackage());
        database = await postgres.CreateDatabaseAsync();
        await new DatabaseMigrator(database).MigrateAsync();
    }

    private Task<InProcessTestCluster> StartAsync(string clusterId) =>
        UsageClusters.StartAsync(cache.Path, silo => silo.UseCucosPostgresStorage(database), UsageClusters.Settings(server, account), clusterId);

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_refresh_stopped_with_its_silo_resumes_at_the_stored_page_in_the_next_silo()
    {
        server.HoldPageToken = "p2";
        var first = await StartAsync("usage-a");
        string refreshId;
        try
        {
            await first.Refresh().RefreshNowAsync();
            await server.HoldReached.Task.WaitAsync(TimeSpan.FromMinutes(2));
            var midway = await first.Refresh().GetStatusAsync();
            Assert.Equal(1, midway.PagesStored);
            Assert.Equal("p2", midway.PageToken);
            Assert.Equal("job-1", midway.JobId);
            refreshId = midway.RefreshId!;
        }
        finally
        {
            // The silo goes away with the request for page 2 unanswered.
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }
        Assert.Equal(2, await CountAsync($"SELECT count(*) FROM cucos_usage WHERE refresh_id = '{refreshId}'"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM cucos_usage_refresh"));
        server.Release();

        var second = await StartAsync("usage-b");
        try
        {
            var status = await second.Refresh().WaitAsync(s => s.LastRefreshedAt is not null);
            Assert.Null(status.LastError);
            Assert.Equal(5, status.LastPackages);
            // One query in all: the second silo went on with job-1 at page 2 (asked twice: once unanswered) and page 3.
            Assert.Equal(1, server.Count("POST", "/queries"));
            Assert.Equal(2, server.Count("GET", "pageToken=p2"));
            Assert.Equal(1, server.Count("GET", "pageToken=p4"));
            Assert.Equal(5, await CountAsync("SELECT count(*) FROM cucos_usage"));
            Assert.Equal(5, await CountAsync("SELECT packages FROM cucos_usage_refresh WHERE ecosystem = 'test'"));
            Assert.Equal(25, await CountAsync("SELECT percentile FROM cucos_usage WHERE package = 'chalk'"));

            var store = second.SiloService<IUsageStore>();
            Assert.IsType<Persistence.Usage.PostgresUsageStore>(store);
            var lodash = await store.GetAsync("test", "Lodash", default);
            Assert.Equal((120L, 100.0, 5L), (lodash!.Repositories, lodash.Percentile, lodash.PackagesInRefresh));

            // Dependents: stored dependency_snapshot results of four analyses, two of them (test ecosystem, resolved) depending on lodash.
            var storage = second.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StateNames.StorageProvider);
            var grains = second.GetSiloServiceProvider().GetRequiredService<IGrainFactory>();
            await StoreSnapshotAsync(storage, grains, "test:app-two:2.0.0", "test", ("lodash", "4.17.21"), ("chalk", "5.0.0"));
            await StoreSnapshotAsync(storage, grains, "test:app-one:1.0.0", "test", ("lodash", "4.17.20"));
            await StoreSnapshotAsync(storage, grains, "test:app-three:1.0.0", "test", ("lodash", null));
            await StoreSnapshotAsync(storage, grains, "npm:elsewhere:1.0.0", "npm", ("lodash", "4.17.21"));
            var index = second.SiloService<IDependentsIndex>();
            Assert.IsType<Persistence.Usage.PostgresDependentsIndex>(index);
            var dependents = await index.FindAsync("test", "lodash", 5, default);
            Assert.Equal(2, dependents.Count);
            Assert.Equal(["app-one@1.0.0", "app-two@2.0.0"], dependents.Examples);
            Assert.Equal(["app-one@1.0.0"], (await index.FindAsync("test", "lodash", 1, default)).Examples);
            Assert.Equal(0, (await index.FindAsync("test", "left-pad", 5, default)).Count);

            var result = await second.UsageResultAsync(package.Path, "lodash");
            Assert.Equal("counted", result.GetProperty("summary").GetProperty("status").GetString());
            Assert.Equal(120, result.GetProperty("summary").GetProperty("repositories").GetInt64());
            Assert.Equal(2, result.GetProperty("summary").GetProperty("dependents").GetInt32());
            Assert.Equal(["app-one@1.0.0", "app-two@2.0.0"],
                result.GetProperty("details").GetProperty("dependents").GetProperty("examples").EnumerateArray().Select(e => e.GetString()));
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }

    private static async Task StoreSnapshotAsync(IGrainStorage storage, IGrainFactory grains, string release, string ecosystem, params (string Name, string? Resolved)[] dependencies)
    {
        var document = JsonSerializer.SerializeToElement(new Dictionary<string, object?>
        {
            ["schema"] = new { name = "dependency_snapshot", version = "1" },
            ["_release"] = release,
            ["details"] = new
            {
                ecosystem,
                dependencies = dependencies.Select(d => new Dictionary<string, object?> { ["name"] = d.Name, ["spec"] = "^1", ["package"] = null, ["resolved_version"] = d.Resolved }),
            },
        });
        var results = new StorageTaskResultStore(storage, grains, Guid.NewGuid().ToString("N"), TimeSpan.FromSeconds(10));
        Assert.True(await results.SaveAsync("dependency_snapshot", 1, document, default));
    }

    public async Task DisposeAsync()
    {
        server.Dispose();
        account.Dispose();
        cache.Dispose();
        package.Dispose();
        await Task.CompletedTask;
    }
}
