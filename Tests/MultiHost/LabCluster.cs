using System.Diagnostics;
using Cucos.Client.Http;
using Cucos.Messages;
using Cucos.Persistence;
using Cucos.State;
using Cucos.Tests.Support;
using Cucos.Tests.TestTasks;
using Npgsql;

namespace Cucos.Tests.MultiHost;

/// <summary>What a scenario left behind, counted in storage and through the API.</summary>
public sealed record Outcome(int Started, int Finished, int Succeeded, int ResultsStoredOnce, int ResultsStoredTwice, int AnalysesDuplicated, int ResultsExpected)
{
    public override string ToString() =>
        $"{Started} started, {Finished} finished ({Succeeded} succeeded), {ResultsStoredOnce} of {ResultsExpected} results stored once, " +
        $"{ResultsStoredTwice} stored more than once, {AnalysesDuplicated} analyses duplicated";
}

/// <summary>
/// Three silo processes, one per lab host, clustered through the lab's PostgreSQL on a database of their own; the test
/// drives them through their HTTP API from the lab and reads storage through PostgreSQL's Unix socket.
/// </summary>
public sealed class LabCluster : IAsyncDisposable
{
    /// <summary>Each task's stored result row is per analysis and task: init, slow and finalize.</summary>
    private const int TasksPerAnalysis = 3;
    private readonly MultiHostFixture fixture;
    private readonly Action<string> log;
    private readonly string database;
    private readonly TempDirectory cache = new("cucos-multihost");
    private readonly SiloProcess?[] silos = new SiloProcess?[MultiHostFixture.SiloHosts];
    private readonly HttpClient[] http;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly List<string> outputs = [];
    private int nextPackage;

    private LabCluster(MultiHostFixture fixture, Action<string> log, string database, IReadOnlyDictionary<string, string> environment)
    {
        this.fixture = fixture;
        this.log = log;
        this.database = database;
        Environment = environment;
        http = [.. fixture.SiloHostList.Select(h => fixture.Lab.CreateHttpClient(new Uri($"http://{h.Address}:{Cucos.Silo.SiloSettings.DefaultHttpPort}/"), TimeSpan.FromSeconds(65)))];
    }

    public string ClusterId { get; } = "lab-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The environment every silo of the lab gets, its own address aside; one place, so a setting all silos need goes here.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    public TimeSpan Elapsed => clock.Elapsed;

    public static async Task<LabCluster> StartAsync(MultiHostFixture fixture, Action<string> log, IReadOnlyDictionary<string, string>? extraEnvironment)
    {
        var database = await fixture.Postgres.CreateDatabaseAsync("cucos_lab");
        await new DatabaseMigrator(database).MigrateAsync();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Cucos"] = new NpgsqlConnectionStringBuilder(database) { Host = fixture.DatabaseHost.Address.ToString() }.ConnectionString,
            ["Cucos__TaskAssemblies"] = typeof(TestTaskModule).Assembly.Location,
            ["Cucos__WatchdogInterval"] = "00:00:05",
            ["Cucos__ReminderMinimumPeriod"] = "00:00:05",
            ["npm_config_registry"] = fixture.RegistryUrl.AbsoluteUri,
            ["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information",
            // The lab's network is namespaces of the test's own, reachable from nowhere else; TLS has its own tests (Tests/Security).
            ["Cucos__AllowUnauthenticatedCluster"] = "true",
        };
        foreach (var (name, value) in extraEnvironment ?? new Dictionary<string, string>())
            environment[name] = value;
        var cluster = new LabCluster(fixture, log, database, environment);
        try
        {
            for (var i = 0; i < MultiHostFixture.SiloHosts; i++)
                cluster.Start(i);
            await Task.WhenAll(Enumerable.Range(0, MultiHostFixture.SiloHosts).Select(i => cluster.WaitReadyAsync(i, TimeSpan.FromMinutes(2))));
            cluster.Log("three silos ready");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public void Log(string message) => log($"{clock.Elapsed.TotalSeconds,6:0.0} s  {message}");

    /// <summary>Starts the silo of host <paramref name="index"/> (again), on <paramref name="siloPort"/> if given: a new silo there.</summary>
    public void Start(int index, int siloPort = ClusterDefaults.SiloPort)
    {
        if (silos[index] is { HasExited: false })
            throw new InvalidOperationException($"silo {index + 1} is still running.");
        var host = fixture.SiloHostList[index];
        var environment = new Dictionary<string, string>(Environment) { ["Cucos__AdvertisedAddress"] = host.Address.ToString() };
        Keep(silos[index]);
        silos[index] = SiloProcess.StartInNamespace(host.Namespace, Path.Combine(cache.Path, $"s{index + 1}"), ClusterId, environment, siloPort);
    }

    public SiloProcess Silo(int index) => silos[index] ?? throw new InvalidOperationException($"silo {index + 1} was never started.");

    public LabHost Host(int index) => fixture.SiloHostList[index];

    /// <summary>Waits until the silo's <c>/health/ready</c> answers 200; fails with its output when it exits or does not in time.</summary>
    public async Task WaitReadyAsync(int index, TimeSpan limit)
    {
        var silo = Silo(index);
        var deadline = DateTime.UtcNow + limit;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            if (silo.HasExited)
                throw new InvalidOperationException($"silo {index + 1} exited while starting:\n{Tail(silo.Output)}");
            try
            {
                using var probe = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                using var response = await http[index].GetAsync("health/ready", probe.Token);
                if (response.IsSuccessStatusCode)
                    return;
                last = $"{(int)response.StatusCode}";
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException)
            {
                last = exception.Message;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"silo {index + 1} was not ready within {limit} (last: {last}):\n{Tail(silo.Output)}");
    }

    /// <summary>Starts <paramref name="count"/> analyses of packages not analysed before, through the first silo that answers.</summary>
    public async Task<List<string>> StartBatchAsync(int count, int slowMilliseconds)
    {
        var first = nextPackage;
        nextPackage += count;
        var ids = await Task.WhenAll(Enumerable.Range(first, count).Select(i => OnAnySiloAsync(api => api.StartAnalysisAsync(
            AnalysisRequest.ForPackage("npm", MultiHostFixture.PackageName(i), "1.0.0", tasks: ["slow"]) with
            {
                Parameters = new() { ["slow.ms"] = slowMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            }))));
        Log($"{count} analyses started");
        return [.. ids.Select(t => t.AnalysisId)];
    }

    /// <summary>Polls until every analysis has finished, asking whichever silo answers; null for one still unfinished at the deadline.</summary>
    public async Task<Dictionary<string, AnalysisSnapshot?>> WaitFinishedAsync(IReadOnlyCollection<string> ids, TimeSpan limit)
    {
        var finished = ids.ToDictionary(id => id, _ => (AnalysisSnapshot?)null);
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline && finished.Values.Any(a => a is null))
        {
            foreach (var id in finished.Where(p => p.Value is null).Select(p => p.Key).ToList())
            {
                var snapshot = await TryOnAnySiloAsync(api => api.GetAnalysisAsync(id));
                if (snapshot is { IsFinished: true })
                    finished[id] = snapshot;
            }
            if (finished.Values.Any(a => a is null))
                await Task.Delay(500);
        }
        return finished;
    }

    /// <summary>Counts what became of the analyses: finished, results stored once, packages with more analyses than asked for.</summary>
    public async Task<Outcome> CountAsync(IReadOnlyDictionary<string, AnalysisSnapshot?> analyses)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var storedOnce = 0;
        var storedTwice = 0;
        await using (var results = new NpgsqlCommand("""
            SELECT payload->'Document'->'_audit'->>'analysis_id', payload->'Document'->'schema'->>'name', count(*)
            FROM cucos_grain_state WHERE state_name = 'task-result' AND payload IS NOT NULL
            GROUP BY 1, 2
            """, connection))
        await using (var reader = await results.ExecuteReaderAsync())
            while (await reader.ReadAsync())
            {
                if (!analyses.ContainsKey(reader.GetString(0)))
                    continue;
                if (reader.GetInt64(2) == 1)
                    storedOnce++;
                else
                    storedTwice++;
            }
        var duplicated = 0;
        foreach (var i in Enumerable.Range(0, nextPackage))
        {
            var listed = await TryOnAnySiloAsync(api => api.ListAnalysesAsync("npm", MultiHostFixture.PackageName(i), "1.0.0"))
                ?? throw new InvalidOperationException("no silo answered the list of a package's analyses.");
            duplicated += Math.Max(0, listed.Analyses.Count - 1);
        }
        return new Outcome(analyses.Count, analyses.Values.Count(a => a is not null),
            analyses.Values.Count(a => a?.Status == AnalysisStatus.Succeeded), storedOnce, storedTwice, duplicated, analyses.Count * TasksPerAnalysis);
    }

    /// <summary>Waits until the membership table lists the silo at this host (any generation but a live one) as dead; the time it took.</summary>
    public async Task<TimeSpan?> WaitDeclaredDeadAsync(int index, DateTimeOffset since, TimeSpan limit)
    {
        var address = Host(index).Address.ToString();
        var deadline = DateTime.UtcNow + limit;
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        while (DateTime.UtcNow < deadline)
        {
            // Orleans' SiloStatus: Active is 3, Dead is 6. Dead once no row of the host is Active.
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE status = 6), count(*) FILTER (WHERE status = 3) FROM cucos_cluster_member WHERE address = @address", connection);
            command.Parameters.AddWithValue("address", address);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            if (reader.GetInt64(0) > 0 && reader.GetInt64(1) == 0)
                return DateTimeOffset.UtcNow - since;
            await reader.CloseAsync();
            await Task.Delay(200);
        }
        return null;
    }

    /// <summary>Rows of the membership table as "address:port generation status", for a failure's message.</summary>
    public async Task<string> DescribeMembershipAsync()
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT address || ':' || port || ' ' || generation || ' status ' || status FROM cucos_cluster_member ORDER BY 1", connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add(reader.GetString(0));
        return string.Join("\n", rows);
    }

    /// <summary>Every silo's output so far, the replaced ones' included, for a failure's message.</summary>
    public string Outputs() => string.Join("\n---\n", outputs.Concat(silos.Where(s => s is not null).Select(s => Tail(s!.Output))));

    private void Keep(SiloProcess? replaced)
    {
        if (replaced is not null)
            outputs.Add(Tail(replaced.Output));
    }

    /// <summary>
    /// Calls the first live silo that answers, trying the others (and again, for a while) on a connection failure or
    /// a transient answer (503 while the database is away): what a load balancer in front of the silos does.
    /// </summary>
    private async Task<T> OnAnySiloAsync<T>(Func<CucosHttpClient, Task<T>> call)
    {
        Exception? last = null;
        for (var round = 0; round < 120; round++)
        {
            for (var i = 0; i < http.Length; i++)
            {
                if (silos[i] is not { HasExited: false })
                    continue;
                try
                {
                    return await call(new CucosHttpClient(http[i]));
                }
                catch (Exception exception) when (IsTransient(exception))
                {
                    last = exception;
                }
            }
            await Task.Delay(500);
        }
        throw new HttpRequestException($"no silo answered for a minute: {last?.Message}", last);
    }

    private static bool IsTransient(Exception exception) =>
        exception is HttpRequestException or OperationCanceledException or IOException or CucosApiException { IsTransient: true };

    private async Task<T?> TryOnAnySiloAsync<T>(Func<CucosHttpClient, Task<T>> call)
    {
        try
        {
            return await OnAnySiloAsync(call);
        }
        catch (HttpRequestException)
        {
            return default;
        }
    }

    private static string Tail(string output) => output[^Math.Min(output.Length, 3000)..];

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in silos)
            if (silo is not null)
                await silo.DisposeAsync();
        foreach (var client in http)
            client.Dispose();
        cache.Dispose();
    }
}
