using Cucos.Grains.Packages;
using Cucos.Persistence;
using Cucos.Persistence.Storage;
using Cucos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;

namespace Cucos.Tests.Postgres;

/// <summary>Our grain storage's group commit: concurrent writes share transactions, and one bad statement fails only itself.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
[Trait("Category", "Cluster")]
public sealed class GroupCommitTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly TempDirectory cache = new("cucos-cache");
    private string database = "";

    public async Task InitializeAsync()
    {
        database = await postgres.CreateDatabaseAsync();
        await new DatabaseMigrator(database).MigrateAsync();
    }

    public Task DisposeAsync()
    {
        cache.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Concurrent_writes_share_transactions_and_each_lands_once()
    {
        await using var cluster = await PostgresCluster.StartAsync(database, "gc-" + Guid.NewGuid().ToString("N")[..8], cache.Path);
        var storage = cluster.GrainStorage;
        Assert.IsType<PostgresGrainStorage>(storage);
        const int writes = 400;
        var states = Enumerable.Range(0, writes)
            .Select(i => (Id: GrainId.Create("cucos-test", $"gc-{i}"), State: new GrainState<PackageAnalysisState>(new PackageAnalysisState { Analyses = [$"a{i}"] })))
            .ToArray();

        var xidBefore = await NextTransactionIdAsync();
        await Task.WhenAll(states.Select(s => storage.WriteStateAsync(StateNames.Package, s.Id, s.State)));
        var transactions = await NextTransactionIdAsync() - xidBefore;

        // Every write that reached the database used a transaction id; one at a time they would use 400.
        Assert.True(transactions < writes / 4, $"{writes} concurrent writes took {transactions} transactions");
        Assert.All(states, s => Assert.Equal("1", s.State.ETag));
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM cucos_grain_state WHERE state_name = 'package' AND grain_key LIKE 'cucos-test/gc-%'", connection);
        Assert.Equal(writes, Convert.ToInt32(await count.ExecuteScalarAsync()));

        // A stale write among good ones fails alone.
        var good = states.Take(20).ToArray();
        var stale = new GrainState<PackageAnalysisState>(new PackageAnalysisState()) { ETag = "7" };
        var staleWrite = storage.WriteStateAsync(StateNames.Package, states[^1].Id, stale);
        await Task.WhenAll(good.Select(s => storage.WriteStateAsync(StateNames.Package, s.Id, s.State)));
        await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
        Assert.All(good, s => Assert.Equal("2", s.State.ETag));
    }

    [Fact]
    public async Task A_statement_the_server_rejects_fails_only_its_own_caller()
    {
        await using var commits = new GroupCommit(database, concurrentBatches: 1, maxBatch: 64, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var good = Enumerable.Range(0, 30).Select(i => commits.RunAsync("SELECT @v", r => (object)r.GetInt32(0), new NpgsqlParameter<int>("v", i))).ToList();
        var bad = commits.RunAsync("SELECT 1 / @zero", r => (object)r.GetInt32(0), new NpgsqlParameter<int>("zero", 0));
        good.AddRange(Enumerable.Range(30, 30).Select(i => commits.RunAsync("SELECT @v", r => (object)r.GetInt32(0), new NpgsqlParameter<int>("v", i))));

        var rows = await Task.WhenAll(good);

        Assert.Equal(Enumerable.Range(0, 60).Cast<object>(), rows.Select(r => r!));
        // As every storage failure leaves our providers: one Orleans can carry, with the server's code and words.
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => bad);
        Assert.False(error.IsTransient);
        Assert.Equal($"the database refused the statement ({PostgresErrorCodes.DivisionByZero}: division by zero).", error.Message);
    }

    private async Task<long> NextTransactionIdAsync()
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        // The next transaction id to be assigned, read without using one.
        await using var command = new NpgsqlCommand("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
