using System.Diagnostics;
using System.Globalization;
using Cucos.Bench;
using Cucos.Client;
using Cucos.Grains.Execution;
using Cucos.Grains.Hosting;
using Cucos.Messages;
using Cucos.Persistence;
using Cucos.Sdk;
using Cucos.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

// Analyses per second and latency for init -> 6 no-op tasks -> callback on the embedded cluster,
// next to the same lifecycle work run in-process with Task.WhenAll (the limit), both in this one run.
var analyses = Option("--analyses", 2000);
var concurrency = Option("--concurrency", 64);
var warmup = Option("--warmup", 200);
var postgresIndex = Array.IndexOf(args, "--postgres");
var postgres = postgresIndex >= 0 && postgresIndex + 1 < args.Length ? args[postgresIndex + 1] : null;
// --adonet: the Orleans ADO.NET providers instead of our group-commit ones, for the same flow on the same database.
var storageProvider = args.Contains("--adonet") ? PostgresStorageProvider.AdoNet : PostgresStorageProvider.GroupCommit;
// --telemetry: OpenTelemetry takes our metrics and spans and Orleans' (see BenchTelemetry); --metrics: the metrics
// alone; without either nobody listens.
var traces = args.Contains("--telemetry");
var telemetry = traces || args.Contains("--metrics");
if (postgres is not null)
    await new DatabaseMigrator(postgres).MigrateAsync();

using var workspace = new TempFolder();
Directory.CreateDirectory(Path.Combine(workspace.Path, "pkg"));

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Error).AddFilter("Orleans", LogLevel.Critical);
builder.UseCucosEmbeddedCluster(o => o.CacheRoot = Path.Combine(workspace.Path, "cache"),
    postgres is null ? null : silo => silo.UseCucosPostgresStorage(postgres, storageProvider));
builder.Services.AddNoopFlow().AddCucosClient();
if (telemetry)
    builder.AddListeningTelemetry(traces);
using var host = builder.Build();
await host.StartAsync();
var client = host.Services.GetRequiredService<ICucosClient>();
var registry = host.Services.GetRequiredService<TaskRegistry>();

async Task<TimeSpan> ClusterAnalysis(int i)
{
    var started = Stopwatch.GetTimestamp();
    var request = new AnalysisRequest
    {
        Ecosystem = "bench", Name = $"pkg-{i}", Version = "1.0.0", SourcePath = Path.Combine(workspace.Path, "pkg"), Force = true,
    };
    var ticket = await client.StartAnalysisAsync(request);
    var analysis = await client.WaitForCompletionAsync(ticket.AnalysisId);
    if (analysis.Status != AnalysisStatus.Succeeded || analysis.Tasks.Count != 8)
        throw new InvalidOperationException($"analysis {ticket.AnalysisId} ended {analysis.Status} with {analysis.Tasks.Count} tasks");
    return Stopwatch.GetElapsedTime(started);
}

// The same tasks through the same lifecycle (TaskRunner) (audit, document, persistence to an in-memory store),
// with no grains, messages or storage: what the flow would cost if coordination were free.
async Task<TimeSpan> InProcessAnalysis(int i)
{
    var started = Stopwatch.GetTimestamp();
    var store = new InMemoryTaskResultStore();
    var request = new RequestView { Ecosystem = "bench", Name = $"pkg-{i}", Version = "1.0.0" };
    Task<FinishedAttempt> Run(string name) => TaskRunner.CallAsync(registry, new TaskContext
    {
        AnalysisId = i.ToString(CultureInfo.InvariantCulture), TaskName = name, Request = request, CachePath = workspace.Path, Results = store,
        Services = host.Services,
    }, CancellationToken.None);
    await Run(CucosFlow.RootTask);
    await Task.WhenAll(NoopFlow.Workers.Select(Run));
    await Run(CucosFlow.FinalizeTask);
    return Stopwatch.GetElapsedTime(started);
}

await Measure(ClusterAnalysis, warmup, concurrency);
await Measure(InProcessAnalysis, warmup, concurrency);
var writesBefore = postgres is null ? 0 : await StoredWritesAsync(postgres);
var transactionsBefore = postgres is null ? 0 : await NextTransactionIdAsync(postgres);
var cluster = await Measure(ClusterAnalysis, analyses, concurrency);
var baseline = await Measure(InProcessAnalysis, analyses, concurrency);
await host.StopAsync();

Console.WriteLine($"init -> {NoopFlow.Workers.Length} no-op tasks -> callback; {analyses} analyses, {concurrency} in flight; {Environment.ProcessorCount} cores; .NET {Environment.Version}");
Console.WriteLine();
Console.WriteLine("| flow | analyses/s | p50 latency (ms) | p99 latency (ms) | CPU ms per analysis | KiB allocated per analysis |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|");
if (postgres is null)
    Console.WriteLine(cluster.Row("embedded cluster (grains, in-memory storage and reminders)" + (traces ? ", OpenTelemetry metrics and traces listening" : telemetry ? ", OpenTelemetry metrics listening" : "")));
else
{
    // The writes the cluster made per analysis (state versions plus a reminder registration and removal),
    // then the same number of plain single-row jsonb upserts through Npgsql: the floor for persisting them.
    // Write transactions, from the transaction ids PostgreSQL handed out (read-only ones take none).
    var transactionsPerAnalysis = (await NextTransactionIdAsync(postgres) - transactionsBefore) / (double)analyses;
    var writesPerAnalysis = (int)Math.Round((await StoredWritesAsync(postgres) - writesBefore) / (double)analyses) + 2;
    await using (var connection = new NpgsqlConnection(postgres))
    {
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand("DROP TABLE IF EXISTS bench_plain_writes; CREATE TABLE bench_plain_writes (id text PRIMARY KEY, payload jsonb, version int)", connection);
        await create.ExecuteNonQueryAsync();
    }
    var plain = await Measure(i => PlainWritesAsync(postgres, i, writesPerAnalysis), analyses, concurrency);
    Console.WriteLine(cluster.Row(string.Create(CultureInfo.InvariantCulture,
        $"embedded cluster, state and reminders in PostgreSQL, {storageProvider} providers ({writesPerAnalysis} writes in {transactionsPerAnalysis:0.00} transactions per analysis)")));
    Console.WriteLine(plain.Row($"{writesPerAnalysis} plain Npgsql jsonb upserts per analysis (the floor for persisting them)"));
}
Console.WriteLine(baseline.Row("in-process Task.WhenAll, same tasks and lifecycle (the limit)"));
return 0;

static async Task<long> StoredWritesAsync(string connectionString)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand("SELECT coalesce(sum(version), 0) FROM cucos_grain_state", connection);
    return Convert.ToInt64(await command.ExecuteScalarAsync());
}

static async Task<long> NextTransactionIdAsync(string connectionString)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint", connection);
    return Convert.ToInt64(await command.ExecuteScalarAsync());
}

static async Task<TimeSpan> PlainWritesAsync(string connectionString, int analysis, int writes)
{
    var started = Stopwatch.GetTimestamp();
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    for (var i = 0; i < writes; i++)
    {
        await using var upsert = new NpgsqlCommand("""
            INSERT INTO bench_plain_writes (id, payload, version) VALUES (@id, @payload::jsonb, 1)
            ON CONFLICT (id) DO UPDATE SET payload = EXCLUDED.payload, version = bench_plain_writes.version + 1
            """, connection);
        upsert.Parameters.AddWithValue("id", $"{analysis}/{i % 9}");
        upsert.Parameters.AddWithValue("payload", PlainPayload);
        await upsert.ExecuteNonQueryAsync();
    }
    return Stopwatch.GetElapsedTime(started);
}

static async Task<Figures> Measure(Func<int, Task<TimeSpan>> analysis, int count, int concurrency)
{
    var latencies = new TimeSpan[count];
    var next = -1;
    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    var allocatedBefore = GC.GetTotalAllocatedBytes();
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            latencies[i] = await analysis(i);
    }));
    clock.Stop();
    process.Refresh();
    var cpu = process.TotalProcessorTime - cpuBefore;
    var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
    Array.Sort(latencies);
    return new Figures(count / clock.Elapsed.TotalSeconds, latencies[count / 2], latencies[Math.Min(count - 1, (int)(count * 0.99))],
        cpu.TotalMilliseconds / count, allocated / 1024.0 / count);
}

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) && value > 0 ? value : fallback;
}

internal static partial class Program
{
    // About the size of a no-op task's result state.
    private const string PlainPayload = """{"Attempt":1,"Document":{"status":"success","summary":{"task":"w1"},"details":null,"schema":{"name":"w1","version":"1.0.0"},"_release":"bench:pkg:1.0.0","_audit":{"analysis_id":"0123456789abcdef0123456789abcdef","started_at":"2026-11-30T00:00:00+00:00","ended_at":"2026-11-30T00:00:00+00:00","version":"1.0.0","attempt":1}},"StoredAt":"2026-11-30T00:00:00+00:00"}""";
}

// CPU time is this process' (user and kernel, all threads) per analysis: steadier than throughput on a shared machine.
internal sealed record Figures(double PerSecond, TimeSpan P50, TimeSpan P99, double CpuMsPerAnalysis, double AllocatedKiBPerAnalysis)
{
    public string Row(string name) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {PerSecond:0} | {P50.TotalMilliseconds:0.0} | {P99.TotalMilliseconds:0.0} | {CpuMsPerAnalysis:0.00} | {AllocatedKiBPerAnalysis:0} |");
}

internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cucos-bench-" + Guid.NewGuid().ToString("N"));
    public TempFolder() => Directory.CreateDirectory(Path);
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
