using System.Net;
using System.Text.Json;
using Cucos.Persistence;
using Cucos.Tests.Support;

namespace Cucos.Tests.HttpApi;

/// <summary>
/// <c>/health/ready</c> follows the database of the PostgreSQL profile; <c>/health/live</c> only the process; the API answers
/// 503 problems while storage is away.
/// </summary>
[Trait("Category", "Postgres")]
[Trait("Category", "Processes")]
public sealed class ReadinessTests : IAsyncLifetime
{
    // A server of its own: this test stops it, which must not disturb the other PostgreSQL tests.
    private readonly PostgresServer postgres = new() { AlwaysOwnServer = true };
    private readonly TempDirectory cache = new("cucos-ready-cache");

    public Task InitializeAsync() => postgres.InitializeAsync();

    [Fact]
    public async Task Ready_goes_503_naming_the_database_while_it_is_stopped_and_back_to_200_while_live_stays_200()
    {
        var database = await postgres.CreateDatabaseAsync();
        await new DatabaseMigrator(database).MigrateAsync();
        await using var silo = await SiloProcess.StartAsync(cache.Path, "ready-" + Guid.NewGuid().ToString("N")[..8],
            new Dictionary<string, string> { ["ConnectionStrings__Cucos"] = database });
        using var http = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(20) };
        await HttpWait.ReadyAsync(silo, TimeSpan.FromSeconds(60));

        var (status, ready) = await GetAsync(http, "health/ready");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["database", "silo"], ready.GetProperty("checks").EnumerateObject().Select(c => c.Name).Order());

        await postgres.StopServerAsync();
        try
        {
            var notReady = await UntilAsync(http, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30), silo);
            Assert.Equal("unhealthy", notReady.GetProperty("status").GetString());
            var check = notReady.GetProperty("checks").GetProperty("database");
            Assert.Equal("unhealthy", check.GetProperty("status").GetString());
            Assert.Contains("is not reachable", check.GetProperty("description").GetString());
            Assert.Contains($":{new Npgsql.NpgsqlConnectionStringBuilder(database).Port} (database ", check.GetProperty("description").GetString());

            // The API cannot read storage now: a 503 problem that says to retry, without a stack trace.
            using (var api = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(90) })
            using (var listed = await api.GetAsync("api/v1/analyses?ecosystem=npm&name=left-pad&version=1.0.0"))
            {
                var body = await listed.Content.ReadAsStringAsync();
                Assert.True(listed.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)listed.StatusCode}: {body}");
                Assert.Equal("application/problem+json", listed.Content.Headers.ContentType?.MediaType);
                Assert.Contains("Try again in a few seconds.", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
                Assert.DoesNotContain("   at ", body);
            }

            // Nor store a new analysis: every POST a 503 as well, never a 500 (storage errors cross Orleans as ours).
            using (var api = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(90) })
                for (var i = 0; i < 3; i++)
                {
                    using var content = new StringContent($$"""{"package": "npm:outage-{{i}}@1.0.0"}""", System.Text.Encoding.UTF8, "application/json");
                    using var started = await api.PostAsync("api/v1/analyses", content);
                    var body = await started.Content.ReadAsStringAsync();
                    Assert.True(started.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)started.StatusCode}: {body}");
                    Assert.Contains("Try again in a few seconds.", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
                }

            var (liveStatus, live) = await GetAsync(http, "health/live");
            Assert.Equal(HttpStatusCode.OK, liveStatus);
            Assert.Equal("healthy", live.GetProperty("status").GetString());
        }
        finally
        {
            await postgres.StartServerAsync();
        }

        var back = await UntilAsync(http, HttpStatusCode.OK, TimeSpan.FromSeconds(60), silo);
        Assert.Equal("healthy", back.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("healthy", back.GetProperty("checks").GetProperty("silo").GetProperty("status").GetString());
    }

    [Fact]
    public async Task While_the_silo_waits_for_its_database_at_start_live_answers_and_ready_says_what_it_waits_for()
    {
        var database = await postgres.CreateDatabaseAsync();
        await new DatabaseMigrator(database).MigrateAsync();
        await postgres.StopServerAsync();
        SiloProcess? silo = null;
        try
        {
            silo = SiloProcess.StartNoWait(cache.Path, "waiting-" + Guid.NewGuid().ToString("N")[..8],
                new Dictionary<string, string> { ["ConnectionStrings__Cucos"] = database });
            Assert.True(await silo.WaitForOutputAsync("Trying again in", TimeSpan.FromSeconds(60)), silo.Output);
            using var http = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(20) };

            var (liveStatus, live) = await GetAsync(http, "health/live");
            Assert.Equal(HttpStatusCode.OK, liveStatus);
            Assert.Equal("healthy", live.GetProperty("status").GetString());
            var (readyStatus, ready) = await GetAsync(http, "health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, readyStatus);
            var waiting = ready.GetProperty("checks").GetProperty("database").GetProperty("description").GetString();
            Assert.Contains("cannot reach PostgreSQL", waiting);
            Assert.Contains("Trying again in", waiting);

            // The API is not there yet: a 503 problem with Retry-After (never an empty 404, which reads as "not found").
            using var api = await http.GetAsync("api/v1/analyses/npm%3Aleft-pad%3A1.3.0-0");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
            Assert.NotNull(api.Headers.RetryAfter);
            Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync()).RootElement;
            Assert.Contains("not serving requests yet", problem.GetProperty("detail").GetString());
        }
        finally
        {
            await postgres.StartServerAsync();
        }

        // The database back: the silo starts, and its own web host takes the port over from the waiting one (between
        // the two, for a moment, nothing listens: a probe then fails once, as it may).
        await using (silo)
        {
            await silo.WaitForGatewayAsync(TimeSpan.FromSeconds(90));
            await HttpWait.ReadyAsync(silo, TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(20) };
            var (status, back) = await GetAsync(http, "health/ready");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("healthy", back.GetProperty("checks").GetProperty("silo").GetProperty("status").GetString());
            Assert.Equal("healthy", back.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>Probes <c>/health/ready</c> as Kubernetes would, until it answers <paramref name="wanted"/>.</summary>
    private static async Task<JsonElement> UntilAsync(HttpClient http, HttpStatusCode wanted, TimeSpan limit, SiloProcess silo)
    {
        var deadline = DateTime.UtcNow + limit;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var (status, body) = await GetAsync(http, "health/ready");
            if (status == wanted)
                return body;
            last = $"{(int)status} {body}";
            await Task.Delay(250);
        }
        throw new TimeoutException($"/health/ready did not answer {(int)wanted} within {limit} (last: {last}):\n{silo.Output}");
    }

    public async Task DisposeAsync()
    {
        await postgres.DisposeAsync();
        cache.Dispose();
    }
}
