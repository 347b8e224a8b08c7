using Cucos.Grains.Listing;
using Cucos.Messages;
using Cucos.Persistence;
using Cucos.State;
using Cucos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cucos.Tests.Postgres;

/// <summary>The cluster-wide list in the PostgreSQL profile: rows kept by the triggers of migration 0007, one keyset query.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
[Trait("Category", "Cluster")]
public sealed class AnalysisListPostgresTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly TempDirectory cache = new("cucos-cache");
    private readonly TempDirectory package = new("cucos-package");
    private string database = "";

    public async Task InitializeAsync()
    {
        Fixtures.WriteTree(package.Path, Fixtures.SmallPackage());
        database = await postgres.CreateDatabaseAsync();
        await new DatabaseMigrator(database).MigrateAsync();
    }

    [Fact]
    public async Task The_list_follows_each_analysis_from_start_to_finish_newest_first_paged_by_cursor()
    {
        await using var cluster = await PostgresCluster.StartAsync(database, "pg-" + Guid.NewGuid().ToString("N")[..8], cache.Path);
        var listing = cluster.Cluster.GetSiloServiceProvider(cluster.Cluster.Silos[0].SiloAddress).GetRequiredService<IAnalysisListing>();
        var request = new AnalysisRequest { Ecosystem = "test", Name = "pkg-" + Guid.NewGuid().ToString("N"), Version = "1.0.0", SourcePath = package.Path, Tasks = ["producer"], Force = true };
        var ids = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        for (var i = 0; i < 3; i++)
        {
            var ticket = await cluster.Client.StartAnalysisAsync(request);
            await cluster.Client.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);
            ids.Add(ticket.AnalysisId);
        }
        var blocked = await cluster.Client.StartAnalysisAsync(request with { Tasks = ["blocks"] });

        var running = await listing.ListAsync(new AnalysisListQuery { Status = AnalysisStatus.Running, Ecosystem = "test", Name = request.Name }, default);
        var page1 = await listing.ListAsync(new AnalysisListQuery { Status = AnalysisStatus.Succeeded, Ecosystem = "test", Name = request.Name, Limit = 2 }, default);
        var page2 = await listing.ListAsync(new AnalysisListQuery { Status = AnalysisStatus.Succeeded, Ecosystem = "test", Name = request.Name, Limit = 2, After = page1.Next }, default);

        var countsWhileRunning = await listing.CountAsync(new AnalysisListQuery { Ecosystem = "test", Name = request.Name }, default);
        Assert.Equal([blocked.AnalysisId], running.Analyses.Select(a => a.AnalysisId));
        Assert.Equal((1, 3, 4), (countsWhileRunning.Counts[AnalysisStatus.Running], countsWhileRunning.Counts[AnalysisStatus.Succeeded], countsWhileRunning.Total));
        Assert.Equal([ids[2], ids[1]], page1.Analyses.Select(a => a.AnalysisId));
        Assert.Equal([ids[0]], page2.Analyses.Select(a => a.AnalysisId));
        Assert.Null(page2.Next);
        Assert.All(page1.Analyses, a => Assert.Equal(("test", "1.0.0"), (a.Ecosystem, a.Version)));

        // Cancelled, the running one moves to its final status in the same transaction as its state.
        await cluster.Client.CancelAnalysisAsync(blocked.AnalysisId);
        var ended = await cluster.Client.WaitForCompletionAsync(blocked.AnalysisId, timeout.Token);
        var all = await listing.ListAsync(new AnalysisListQuery { Ecosystem = "test", Name = request.Name }, default);
        Assert.Equal([blocked.AnalysisId, ids[2], ids[1], ids[0]], all.Analyses.Select(a => a.AnalysisId));
        Assert.Equal(AnalysisStatus.Cancelled, all.Analyses[0].Status);
        var counts = await listing.CountAsync(new AnalysisListQuery { Ecosystem = "test", Name = request.Name, Since = all.Analyses[2].CreatedAt }, default);
        Assert.Equal((0L, 1L, 2L, 3L), (counts.Counts[AnalysisStatus.Running], counts.Counts[AnalysisStatus.Cancelled], counts.Counts[AnalysisStatus.Succeeded], counts.Total));
        Assert.Equal(ended.FinishedAt!.Value.ToUnixTimeMilliseconds(), all.Analyses[0].FinishedAt!.Value.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Status_counts_are_shared_for_a_few_seconds_per_filter_then_asked_again()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-12-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var source = NpgsqlDataSource.Create(database);
        var listing = new Cucos.Persistence.Listing.PostgresAnalysisListing(source, "counts", clock, TimeSpan.FromSeconds(5));
        var name = "pkg-" + Guid.NewGuid().ToString("N");
        async Task AddAsync(string status, DateTimeOffset created)
        {
            await using var insert = source.CreateCommand(
                "INSERT INTO cucos_analyses (service_id, analysis_id, ecosystem, name, version, status, created_at) VALUES ('counts', @id, 'npm', @name, '1.0.0', @status, @created)");
            insert.Parameters.AddWithValue("id", Guid.NewGuid().ToString("N"));
            insert.Parameters.AddWithValue("name", name);
            insert.Parameters.AddWithValue("status", status);
            insert.Parameters.AddWithValue("created", created);
            await insert.ExecuteNonQueryAsync();
        }
        var package = new AnalysisListQuery { Ecosystem = "npm", Name = name };
        await AddAsync("Succeeded", clock.GetUtcNow().AddHours(-2));

        Assert.Equal(1, (await listing.CountAsync(package, default)).Total);
        await AddAsync("Running", clock.GetUtcNow());
        // Within the age the first answer is shared; the status filter and the page size are no part of a count.
        Assert.Equal(1, (await listing.CountAsync(package with { Status = AnalysisStatus.Running, Limit = 5 }, default)).Total);
        // Another filter is its own count.
        var recent = await listing.CountAsync(package with { Since = clock.GetUtcNow().AddHours(-1) }, default);
        Assert.Equal((1L, 1L), (recent.Total, recent.Counts[AnalysisStatus.Running]));

        clock.Advance(TimeSpan.FromSeconds(5));
        var later = await listing.CountAsync(package, default);
        Assert.Equal((2L, 1L, 1L), (later.Total, later.Counts[AnalysisStatus.Running], later.Counts[AnalysisStatus.Succeeded]));
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset now = start;

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }

    [Fact]
    public async Task Analyses_stored_before_the_migration_are_listed_by_it()
    {
        var older = await postgres.CreateDatabaseAsync();
        var migrator = new DatabaseMigrator(older);
        await migrator.MigrateAsync(upToVersion: 6);
        await using (var connection = new NpgsqlConnection(older))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("""
                INSERT INTO cucos_grain_state (service_id, state_name, state_name_hash, grain_id_hash, grain_id_n0, grain_id_n1, grain_key, payload, version)
                VALUES ('svc', 'analysis', 1, 1, 0, 0, 'a', @payload::jsonb, 1)
                """, connection);
            insert.Parameters.AddWithValue("payload", """{"Analysis": {"AnalysisId": "0123456789abcdef0123456789abcdef", "Status": "Failed", "CreatedAt": "2026-01-02T03:04:05.1234567+00:00", "FinishedAt": null, "Request": {"Ecosystem": "npm", "Name": "left-pad", "Version": "1.0.0"}}}""");
            await insert.ExecuteNonQueryAsync();
        }

        await migrator.MigrateAsync();

        var listed = await new Persistence.Listing.PostgresAnalysisListing(NpgsqlDataSource.Create(older), "svc").ListAsync(new AnalysisListQuery(), default);
        var entry = Assert.Single(listed.Analyses);
        Assert.Equal(("0123456789abcdef0123456789abcdef", "npm", "left-pad", AnalysisStatus.Failed), (entry.AnalysisId, entry.Ecosystem, entry.Name, entry.Status));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 123, TimeSpan.Zero).AddTicks(4570), entry.CreatedAt);
    }

    public Task DisposeAsync()
    {
        cache.Dispose();
        package.Dispose();
        return Task.CompletedTask;
    }
}
