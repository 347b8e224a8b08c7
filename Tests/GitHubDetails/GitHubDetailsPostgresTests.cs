using System.Text;
using Cucos.Messages;
using Cucos.Persistence;
using Cucos.State;
using Cucos.Tests.Support;
using Cucos.Workers.GitHubDetails;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cucos.Tests.GitHubDetails;

/// <summary>
/// github_details in the PostgreSQL profile: an analysis waits on its reminder for a spent rate limit to reset,
/// across a restart of the whole cluster, and its ETags land in <c>cucos_http_cache</c> so the next cluster's
/// re-analysis is answered 304.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
[Trait("Category", "Cluster")]
public sealed class GitHubDetailsPostgresTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Token = "ghp_POSTGREStestToken0123456789SECRET";
    private readonly TempDirectory cache = new("cucos-cache");
    private readonly TempDirectory package = new("cucos-package");
    private readonly GitHubApiServer server = new();
    private string database = "";

    public async Task InitializeAsync()
    {
        package.WriteFile("package.json", Encoding.UTF8.GetBytes("""{"name": "hello", "version": "1.0.0", "repository": "github:octo/hello"}"""));
        database = await postgres.CreateDatabaseAsync();
        await new DatabaseMigrator(database).MigrateAsync();
    }

    private Task<PostgresCluster> StartAsync(string clusterId) => PostgresCluster.StartAsync(database, clusterId, cache.Path,
        // Its own GitHubServices (HTTP connections, token pools, memory cache), not the process-wide one other tests touch.
        siloServices: services => services.AddSingleton(new GitHubSettings(server.ApiBaseUrl, [Token], ["github.com"], 3, TimeSpan.FromSeconds(1)) { Configured = true })
            .AddSingleton(new GitHubServices(TimeProvider.System)));

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task An_analysis_waits_for_the_rate_limit_reset_on_its_reminder_across_a_cluster_restart()
    {
        server.Add("octo/hello").Stars = 4321;
        server.Tokens.Add(Token);
        server.Spend(Token, "core", 0);
        server.ResetIn = TimeSpan.FromSeconds(12);
        var clusterId = "gh-" + Guid.NewGuid().ToString("N")[..8];
        var request = new AnalysisRequest
        {
            Ecosystem = "test", Name = "gh-" + Guid.NewGuid().ToString("N"), Version = "1.0.0", SourcePath = package.Path,
            Tasks = [GitHubDetailsTask.TaskName],
        };
        string analysisId;
        await using (var first = await StartAsync(clusterId))
        {
            analysisId = (await first.Client.StartAnalysisAsync(request)).AnalysisId;
            // The cluster stops once github_details waits on its reminder and every other worker (usage, a sibling under
            // metadata) has finished: an attempt still running when its silo stops keeps its lease (minutes) in a new
            // test cluster, whose in-memory membership has never heard of the old silo, and this test is about the reminder.
            AnalysisSnapshot? snapshot = null;
            for (var i = 0; i < 2400 && !WaitsOnlyForTheReset(snapshot); i++)
            {
                await Task.Delay(25);
                snapshot = await first.Client.GetAnalysisAsync(analysisId);
            }
            Assert.True(WaitsOnlyForTheReset(snapshot), string.Join(", ", snapshot!.Tasks.Values.Select(t => $"{t.Name} {t.Status}")));
            var waiting = snapshot.Tasks[GitHubDetailsTask.TaskName];
            Assert.Contains("primary rate limit", (waiting.Error ?? waiting.PastErrors.LastOrDefault())?.Message ?? "", StringComparison.Ordinal);
        }
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM cucos_reminder WHERE grain_id LIKE '%{analysisId}%'"));
        Assert.Equal(0, server.Count(r => r.Status == 200)); // nothing was answered before the reset

        await using (var second = await StartAsync(clusterId))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5)); // a bound on a loaded machine (the run alone takes about 20 s), not a timing check
            var analysis = await second.Client.WaitForCompletionAsync(analysisId, timeout.Token);

            Assert.Equal(AnalysisStatus.Succeeded, analysis.Status);
            Assert.Equal(2, analysis.Tasks[GitHubDetailsTask.TaskName].Attempts);
            // The server answers the spent token 403 until its reset: a success is an attempt after it.
            Assert.Contains(server.Requests, r => r.Status == 403);
            var document = (await second.Client.GetResultAsync(analysisId, GitHubDetailsTask.TaskName))!.Value;
            ResultSchemas.AssertValid(GitHubDetailsTask.TaskName, document);
            Assert.Equal(4321, document.GetProperty("summary").GetProperty("stars").GetInt32());
            Assert.Equal(0, document.GetProperty("summary").GetProperty("not_modified").GetInt32());
        }
        Assert.True(await CountAsync("SELECT count(*) FROM cucos_http_cache") >= 10);
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM cucos_http_cache WHERE cache_key || etag || body || coalesce(link, '') LIKE '%{Token}%'"));

        // A new cluster's re-analysis finds the ETags in the database: GitHub answers 304 for everything it cached.
        await using var third = await StartAsync(clusterId);
        var again = await third.Client.StartAnalysisAsync(request with { Force = true });
        using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await third.Client.WaitForCompletionAsync(again.AnalysisId, wait.Token);
        var warm = (await third.Client.GetResultAsync(again.AnalysisId, GitHubDetailsTask.TaskName))!.Value.GetProperty("summary");
        Assert.Equal(warm.GetProperty("requests").GetInt32() - 1, warm.GetProperty("not_modified").GetInt32());
    }

    private static bool WaitsOnlyForTheReset(AnalysisSnapshot? snapshot) =>
        snapshot?.Tasks.GetValueOrDefault(GitHubDetailsTask.TaskName)?.Status == AnalysisTaskStatus.RetryScheduled
        && snapshot.Tasks.Values.All(task => task.Name == GitHubDetailsTask.TaskName || task.Kind == AnalysisTaskKind.Callback || task.Status.IsFinal());

    public Task DisposeAsync()
    {
        server.Dispose();
        cache.Dispose();
        package.Dispose();
        return Task.CompletedTask;
    }
}
