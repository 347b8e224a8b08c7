using System.Text;
using System.Text.Json;
using Cucos.Grains.Analysis;
using Cucos.Grains.Packages;
using Cucos.Grains.Results;
using Cucos.Messages;
using Cucos.Persistence;
using Cucos.State;
using Cucos.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;

namespace Cucos.Tests.Postgres;

/// <summary>The PostgreSQL profile end to end: our schema behind our group-commit grain storage and the Orleans ADO.NET providers.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
[Trait("Category", "Cluster")]
[Trait("Category", "Processes")]
public sealed class PostgresProfileTests(PostgresServer postgres) : IAsyncLifetime
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

    private AnalysisRequest Request(params string[] tasks) => new()
    {
        Ecosystem = "test", Name = "pkg-" + Guid.NewGuid().ToString("N"), Version = "1.0.0",
        SourcePath = package.Path, Tasks = tasks.Length == 0 ? null : tasks,
    };

    private async Task<List<T>> QueryAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(reader.GetFieldValue<T>(0));
        return rows;
    }

    [Fact]
    public async Task Analysis_results_land_in_jsonb_and_answer_plain_sql()
    {
        await using var cluster = await PostgresCluster.StartAsync(database, "pg-" + Guid.NewGuid().ToString("N")[..8], cache.Path);
        var ticket = await cluster.Client.StartAnalysisAsync(Request());
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var analysis = await cluster.Client.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);
        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);

        // Every grain type under its own state name.
        var stateNames = await QueryAsync<string>("SELECT DISTINCT state_name FROM cucos_grain_state ORDER BY 1");
        Assert.Equal(["analysis", "package", "task-result"], stateNames);
        // The analysis, as an operator would read it.
        var status = await QueryAsync<string>(
            "SELECT payload->'Analysis'->>'Status' FROM cucos_grain_state WHERE state_name = 'analysis' AND payload->'Analysis'->>'AnalysisId' = @id",
            ("id", ticket.AnalysisId));
        Assert.Equal(["Succeeded"], status);
        // The operator's query from docs/operations.md: failed tasks of the last hour (none here) runs as written.
        Assert.Empty(await QueryAsync<string>(OperatorQueries.FailedTasksLastHour));
        // And the licence query finds a value anywhere in a result document.
        Assert.Equal(["test:" + analysis.Request.Name + ":1.0.0"], await QueryAsync<string>(OperatorQueries.ReleasesWithValue, ("value", Fixtures.Expected(Fixtures.SmallPackage()["index.js"]).Sha256)));
        // A result field, straight from SQL: the sha256 of index.js.
        var sha = await QueryAsync<string>("""
            WITH digests AS MATERIALIZED (
                SELECT payload->'Document' AS document FROM cucos_grain_state
                WHERE state_name = 'task-result'
                  AND payload->'Document'->'schema'->>'name' = 'digests'
                  AND payload->'Document'->'_audit'->>'analysis_id' = @id)
            SELECT f->>'sha256' FROM digests, jsonb_array_elements(document->'details'->'files') AS f
            WHERE f->>'path' = 'index.js'
            """, ("id", ticket.AnalysisId));
        Assert.Equal([Fixtures.Expected(Fixtures.SmallPackage()["index.js"]).Sha256], sha);
        Assert.Empty(await QueryAsync<string>("SELECT payload::text FROM cucos_grain_state WHERE payload::text LIKE '%$type%'"));
        // The finished analysis left no reminder behind.
        Assert.Empty(await QueryAsync<string>("SELECT grain_id FROM cucos_reminder WHERE grain_id LIKE '%' || @id || '%'", ("id", ticket.AnalysisId)));
    }

    [Theory]
    [InlineData(PostgresStorageProvider.GroupCommit)]
    [InlineData(PostgresStorageProvider.AdoNet)]
    public async Task Storage_round_trips_every_state_a_large_result_and_refuses_a_stale_etag(PostgresStorageProvider provider)
    {
        await using var cluster = await PostgresCluster.StartAsync(database, "pg-" + Guid.NewGuid().ToString("N")[..8], cache.Path, provider);
        var storage = cluster.GrainStorage;
        var grainId = GrainId.Create("cucos-test", Guid.NewGuid().ToString("N"));

        // A result of several megabytes, with a NUL escape that jsonb itself cannot hold.
        var big = new StringBuilder("{\"files\":[");
        for (var i = 0; i < 40_000; i++)
            big.Append(i == 0 ? "" : ",").Append($"{{\"path\":\"dir/file-{i}.js\",\"sha256\":\"{new string('a', 64)}\"}}");
        big.Append("]}");
        using var bigDocument = JsonDocument.Parse(big.ToString());
        var result = new GrainState<TaskResultState>(new TaskResultState { Document = bigDocument.RootElement.Clone(), Attempt = 2, StoredAt = DateTimeOffset.UtcNow });
        await storage.WriteStateAsync(StateNames.TaskResult, grainId, result);
        var read = new GrainState<TaskResultState>();
        await storage.ReadStateAsync(StateNames.TaskResult, grainId, read);
        Assert.True(read.RecordExists);
        Assert.Equal(result.ETag, read.ETag);
        Assert.Equal(40_000, read.State!.Document!.Value.GetProperty("files").GetArrayLength());
        Assert.True(big.Length > 3_000_000, $"only {big.Length} bytes");

        using var nul = JsonDocument.Parse("""{"text":"a\u0000b"}""");
        var odd = new GrainState<TaskResultState>(new TaskResultState { Document = nul.RootElement.Clone(), Attempt = 1 });
        var oddId = GrainId.Create("cucos-test", Guid.NewGuid().ToString("N"));
        await storage.WriteStateAsync(StateNames.TaskResult, oddId, odd);
        var oddRead = new GrainState<TaskResultState>();
        await storage.ReadStateAsync(StateNames.TaskResult, oddId, oddRead);
        Assert.Equal("a\0b", oddRead.State!.Document!.Value.GetProperty("text").GetString());

        var analysis = new GrainState<AnalysisGrainState>(new AnalysisGrainState
        {
            Analysis = new AnalysisSnapshot { AnalysisId = "x", Request = Request("producer"), CachePath = "/c", Status = AnalysisStatus.Running },
        });
        await storage.WriteStateAsync(StateNames.Analysis, grainId, analysis);
        var analysisRead = new GrainState<AnalysisGrainState>();
        await storage.ReadStateAsync(StateNames.Analysis, grainId, analysisRead);
        Assert.Equal(["producer"], analysisRead.State!.Analysis!.Request.Tasks!);

        var package = new GrainState<PackageAnalysisState>(new PackageAnalysisState { Analyses = ["a1", "a2"] });
        await storage.WriteStateAsync(StateNames.Package, grainId, package);
        var packageRead = new GrainState<PackageAnalysisState>();
        await storage.ReadStateAsync(StateNames.Package, grainId, packageRead);
        Assert.Equal(["a1", "a2"], packageRead.State!.Analyses);

        // Two writers from the same version: the second is refused.
        var stale = new GrainState<AnalysisGrainState>(analysisRead.State) { ETag = analysisRead.ETag };
        await storage.WriteStateAsync(StateNames.Analysis, grainId, analysisRead);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateNames.Analysis, grainId, stale));
        // And a second insert of a state that exists is refused too.
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            storage.WriteStateAsync(StateNames.Analysis, grainId, new GrainState<AnalysisGrainState>(new AnalysisGrainState())));

        await storage.ClearStateAsync(StateNames.Analysis, grainId, analysisRead);
        var cleared = new GrainState<AnalysisGrainState>();
        await storage.ReadStateAsync(StateNames.Analysis, grainId, cleared);
        Assert.False(cleared.RecordExists);
    }

    [Theory]
    [InlineData(PostgresStorageProvider.GroupCommit)]
    [InlineData(PostgresStorageProvider.AdoNet)]
    public async Task A_result_of_an_older_attempt_never_replaces_a_newer_one(PostgresStorageProvider provider)
    {
        await using var cluster = await PostgresCluster.StartAsync(database, "pg-" + Guid.NewGuid().ToString("N")[..8], cache.Path, provider);
        var storage = cluster.GrainStorage;
        // Ours compares attempts in the statement; the ADO.NET provider is read, compared and written with its ETag.
        Assert.Equal(provider == PostgresStorageProvider.GroupCommit, storage is IOrderedGrainStorage);
        var analysisId = Guid.NewGuid().ToString("N");
        var results = new StorageTaskResultStore(storage, cluster.Cluster.Client, analysisId, TimeSpan.FromSeconds(10));
        static JsonElement Document(int attempt) => JsonDocument.Parse($$"""{"attempt":{{attempt}}}""").RootElement.Clone();
        async Task<int?> StoredAttemptAsync() => (await results.GetAsync("digests", default))?.GetProperty("attempt").GetInt32();

        Assert.Null(await StoredAttemptAsync());
        Assert.True(await results.SaveAsync("digests", 2, Document(2), default));
        Assert.False(await results.SaveAsync("digests", 1, Document(1), default)); // the zombie of attempt 1, late
        Assert.Equal(2, await StoredAttemptAsync());
        Assert.True(await results.SaveAsync("digests", 2, Document(2), default)); // the same attempt again: a retried write
        // Attempts 3 and a late 1 racing: 3 wins whatever the order.
        var race = await Task.WhenAll(results.SaveAsync("digests", 1, Document(1), default), results.SaveAsync("digests", 3, Document(3), default));
        Assert.False(race[0]);
        Assert.True(race[1]);
        Assert.Equal(3, await StoredAttemptAsync());
        // The result grain, as clients read it, sees the same.
        Assert.Equal(3, (await cluster.Client.GetResultAsync(analysisId, "digests"))!.Value.GetProperty("attempt").GetInt32());
        Assert.Single(await QueryAsync<string>("SELECT grain_key FROM cucos_grain_state WHERE state_name = 'task-result' AND grain_key LIKE '%' || @id || '%'", ("id", analysisId)));
    }

    [Fact]
    public async Task Retry_scheduled_by_a_reminder_fires_after_the_whole_cluster_restarted()
    {
        var clusterId = "pg-" + Guid.NewGuid().ToString("N")[..8];
        string analysisId;
        await using (var first = await PostgresCluster.StartAsync(database, clusterId, cache.Path))
        {
            analysisId = (await first.Client.StartAnalysisAsync(Request("rate-limited"))).AnalysisId;
            AnalysisSnapshot? snapshot = null;
            for (var i = 0; i < 100 && snapshot?.Tasks.GetValueOrDefault("rate-limited")?.Status != AnalysisTaskStatus.RetryScheduled; i++)
            {
                await Task.Delay(50);
                snapshot = await first.Client.GetAnalysisAsync(analysisId);
            }
            Assert.Equal(AnalysisTaskStatus.RetryScheduled, snapshot!.Tasks["rate-limited"].Status);
        }
        Assert.Single(await QueryAsync<string>("SELECT grain_id FROM cucos_reminder WHERE grain_id LIKE '%' || @id || '%'", ("id", analysisId)));

        await using var second = await PostgresCluster.StartAsync(database, clusterId, cache.Path);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var analysis = await second.Client.WaitForCompletionAsync(analysisId, timeout.Token);

        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        Assert.Equal(2, analysis.Tasks["rate-limited"].Attempts);
        Assert.Empty(await QueryAsync<string>("SELECT grain_id FROM cucos_reminder WHERE grain_id LIKE '%' || @id || '%'", ("id", analysisId)));
    }

    [Fact]
    public async Task Retry_scheduled_by_a_reminder_fires_after_the_silo_process_was_killed_and_started_again()
    {
        var clusterId = "restart-" + Guid.NewGuid().ToString("N")[..8];
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Cucos"] = database,
            ["Cucos__TaskAssemblies"] = typeof(TestTasks.TestTaskModule).Assembly.Location,
            ["Cucos__ReminderMinimumPeriod"] = "00:00:01",
        };
        var request = Request("rate-limited") with { Parameters = new() { ["retry_after.ms"] = "4000" } };
        string analysisId;
        int siloPort, gatewayPort, firstProcess;
        await using (var first = await SiloProcess.StartAsync(cache.Path, clusterId, environment))
        {
            (siloPort, gatewayPort, firstProcess) = (first.SiloPort, first.GatewayPort, first.ProcessId);
            await using var client = await RemoteClient.ConnectAsync(clusterId, gatewayPort);
            analysisId = (await client.Client.StartAnalysisAsync(request)).AnalysisId;
            AnalysisSnapshot? snapshot = null;
            for (var i = 0; i < 200 && snapshot?.Tasks.GetValueOrDefault("rate-limited")?.Status != AnalysisTaskStatus.RetryScheduled; i++)
            {
                await Task.Delay(25);
                snapshot = await client.Client.GetAnalysisAsync(analysisId);
            }
            Assert.Equal(AnalysisTaskStatus.RetryScheduled, snapshot!.Tasks["rate-limited"].Status);
            first.Kill(); // SIGKILL: nothing is flushed or unregistered on the way out
        }
        Assert.Single(await QueryAsync<string>("SELECT grain_id FROM cucos_reminder WHERE grain_id LIKE '%' || @id || '%'", ("id", analysisId)));

        // The same silo started again on its ports, as a supervisor restarts a crashed service.
        await using var second = await SiloProcess.StartAsync(cache.Path, clusterId, siloPort, gatewayPort, environment);
        await using var again = await RemoteClient.ConnectAsync(clusterId, gatewayPort);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var analysis = await again.Client.WaitForCompletionAsync(analysisId, timeout.Token);

        Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
        Assert.Equal(2, analysis.Tasks["rate-limited"].Attempts);
        var host = await QueryAsync<string>("""
            SELECT payload->'Document'->'summary'->>'host' FROM cucos_grain_state
            WHERE state_name = 'task-result' AND payload->'Document'->'_audit'->>'analysis_id' = @id
              AND payload->'Document'->'schema'->>'name' = 'rate-limited'
            """, ("id", analysisId));
        Assert.Equal([second.ProcessId.ToString()], host);
        Assert.NotEqual(firstProcess, second.ProcessId);
        Assert.Empty(await QueryAsync<string>("SELECT grain_id FROM cucos_reminder WHERE grain_id LIKE '%' || @id || '%'", ("id", analysisId)));
    }

    public Task DisposeAsync()
    {
        cache.Dispose();
        package.Dispose();
        return Task.CompletedTask;
    }
}
