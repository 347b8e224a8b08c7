using System.Security.Cryptography;
using System.Text;
using Cucos.Advisories;
using Cucos.Client;
using Cucos.Grains;
using Cucos.Grains.Advisories;
using Cucos.Messages;
using Cucos.Persistence;
using Cucos.Sdk;
using Cucos.State;
using Cucos.Tests.Support;
using Cucos.Workers.Ecosystems.Npm;
using Cucos.Workers.SecurityIssues;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Cucos.Tests.SecurityIssues;

/// <summary>
/// The advisory refresh in the PostgreSQL profile: analyses of npm serve-static 1.7.1 and 1.7.2 made with no advisory,
/// then the advisory appears in the directory; a refresh interrupted after its import (the silo stops) resumes in the
/// next silo, re-runs security_issues of 1.7.1 only (1.7.2 is fixed), and a refresh of the unchanged directory
/// re-runs nothing.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
[Trait("Category", "Cluster")]
public sealed class AdvisoryRefreshPostgresTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly TempDirectory work = new("cucos-advisory-refresh");
    private readonly RegistryServer registry = new();
    private string database = "";

    private static readonly AdvisoryRefreshSettings Refresh = new()
    {
        // Only the tests' calls and the resume reminder (at the tests' 1 s reminder minimum) start a refresh.
        RefreshInterval = TimeSpan.FromHours(1),
        FirstRefreshDelay = TimeSpan.FromHours(1),
        ResumeInterval = TimeSpan.FromSeconds(1),
        RetryDelay = TimeSpan.FromSeconds(1),
    };

    public async Task InitializeAsync()
    {
        var versions = new Dictionary<string, object>();
        foreach (var version in new[] { "1.7.1", "1.7.2" })
        {
            var tarball = ArchiveBuilder.TarBytes(gzip: true, w =>
            {
                w.AddFile("package/package.json", Encoding.UTF8.GetBytes($$"""{"name": "serve-static", "version": "{{version}}", "license": "MIT"}"""));
                w.AddFile("package/index.js", "module.exports = function serveStatic() {};\n"u8.ToArray());
            });
            registry.Map($"/npm/serve-static/-/serve-static-{version}.tgz", Reply.File(tarball));
            versions[version] = new
            {
                name = "serve-static",
                version,
                dist = new { tarball = registry.Url($"/npm/serve-static/-/serve-static-{version}.tgz"), integrity = "sha512-" + Convert.ToBase64String(SHA512.HashData(tarball)) },
            };
        }
        registry.Map("/npm/serve-static", Reply.Json(new Dictionary<string, object>
        {
            ["name"] = "serve-static",
            ["dist-tags"] = new { latest = "1.7.2" },
            ["versions"] = versions,
        }));
        work.WriteFile("home/.npmrc", Encoding.UTF8.GetBytes($"registry={registry.BaseUrl}npm/\n"));
        Directory.CreateDirectory(work.Combine("advisories"));
        database = await postgres.CreateDatabaseAsync();
        await new DatabaseMigrator(database).MigrateAsync();
    }

    private Task<PostgresCluster> StartAsync(string clusterId, HeldRefresher.Gate? hold = null) =>
        PostgresCluster.StartAsync(database, clusterId, work.Combine("cache"), siloServices: services =>
        {
            services
                .AddSingleton(new NpmConfigSource(work.Path, work.Combine("home"), new Dictionary<string, string>(), AskNpm: false))
                .AddSingleton(new AdvisorySettings(work.Combine("advisories"), null, AdvisorySettings.PostgresStore))
                .AddSingleton(Refresh);
            if (hold is not null)
                services.AddSingleton<IAdvisoryRefresher>(sp => new HeldRefresher(new AdvisoryRefresher(sp), hold));
        });

    private static IAdvisoryRefreshGrain Grain(PostgresCluster cluster) =>
        cluster.Cluster.GetSiloServiceProvider().GetRequiredService<IGrainFactory>().GetGrain<IAdvisoryRefreshGrain>(AdvisoryRefresher.DirectorySource);

    private static async Task<string> AnalyseAsync(ICucosClient client, string version)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ticket = await client.StartAnalysisAsync(AnalysisRequest.ParsePackage($"npm:serve-static@{version}", tasks: [SecurityIssuesTask.TaskName]));
        var analysis = await client.WaitForCompletionAsync(ticket.AnalysisId, timeout.Token);
        Assert.True(analysis.Tasks[SecurityIssuesTask.TaskName].Status == AnalysisTaskStatus.Succeeded, $"security_issues of {version}: {analysis.Tasks[SecurityIssuesTask.TaskName].Error?.Message}");
        Assert.Empty((await client.GetResultAsync(ticket.AnalysisId, SecurityIssuesTask.TaskName))!.Value.Findings());
        return ticket.AnalysisId;
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        T value;
        while (!done(value = await read()))
        {
            if (timeout.IsCancellationRequested)
                Assert.Fail($"{what} did not happen: {System.Text.Json.JsonSerializer.Serialize(value)}");
            await Task.Delay(100);
        }
        return value;
    }

    [Fact]
    public async Task A_new_advisory_reruns_only_the_affected_analysis_even_when_the_refresh_was_interrupted()
    {
        var hold = new HeldRefresher.Gate();
        string affected, fixedOne, importId;
        var first = await StartAsync("advisories-a", hold);
        try
        {
            affected = await AnalyseAsync(first.Client, "1.7.1");
            fixedOne = await AnalyseAsync(first.Client, "1.7.2");
            OsvFixtures.WriteZip(work, "advisories/npm", OsvFixtures.ServeStatic);

            await Grain(first).RefreshNowAsync();
            await hold.Reached.Task.WaitAsync(TimeSpan.FromMinutes(2));
            var midway = await Grain(first).GetStatusAsync();
            Assert.False(midway.Imported);
            importId = Assert.IsType<string>(midway.ImportId);
        }
        finally
        {
            // The silo goes away after the import and before the analyses to re-run were stored.
            await first.DisposeAsync();
        }
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT changed_in FROM cucos_advisories WHERE id = 'GHSA-c3x7-gjmx-r2ff'", connection);
            Assert.Equal(importId, await command.ExecuteScalarAsync());
        }

        await using var second = await StartAsync("advisories-b");
        // Nobody calls the grain: the second silo's start resumes the refresh from its stored state.
        var status = await WaitAsync(() => Grain(second).GetStatusAsync(), s => s.Completed >= 1, "the resumed refresh");
        Assert.Null(status.LastError);
        Assert.Null(status.ImportId);
        Assert.Equal(1, status.LastReruns);

        var analysis = await WaitAsync(() => second.Client.GetAnalysisAsync(affected)!, a => a!.Reruns.Count == 1 && a.Reruns[0].FinishedAt is not null, "the re-run of 1.7.1");
        var rerun = Assert.Single(analysis!.Reruns);
        Assert.Equal("advisories:directory", rerun.RequestedBy);
        Assert.Equal(SecurityIssuesTask.TaskName, rerun.TaskName);
        Assert.Contains("GHSA-c3x7-gjmx-r2ff", rerun.Reason);
        var document = (await second.Client.GetResultAsync(affected, SecurityIssuesTask.TaskName))!.Value;
        ResultSchemas.AssertValid(SecurityIssuesTask.TaskName, document);
        var finding = Assert.Single(document.Findings());
        Assert.Equal("GHSA-c3x7-gjmx-r2ff", finding.GetProperty("id").GetString());
        Assert.Equal("upgrade to 1.7.2", finding.GetProperty("advice").GetString());
        Assert.Empty((await second.Client.GetAnalysisAsync(fixedOne))!.Reruns);

        // The directory unchanged: a refresh imports nothing and re-runs nothing.
        await Grain(second).RefreshNowAsync();
        var again = await WaitAsync(() => Grain(second).GetStatusAsync(), s => s.Completed >= 2, "the second refresh");
        Assert.Equal(0, again.LastReruns);
        Assert.Single((await second.Client.GetAnalysisAsync(affected))!.Reruns);
    }

    public Task DisposeAsync()
    {
        registry.Dispose();
        work.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The silo's refresher, held after the import until the test lets it go (or the silo stops): a crash between two steps.</summary>
internal sealed class HeldRefresher(IAdvisoryRefresher inner, HeldRefresher.Gate gate) : IAdvisoryRefresher
{
    public sealed class Gate
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public IReadOnlyList<string> Sources => inner.Sources;

    public Task<IReadOnlyList<AdvisoryPart>> PartsAsync(string source, CancellationToken cancellationToken) => inner.PartsAsync(source, cancellationToken);

    public Task<AdvisoryImportRecord> ImportAsync(string source, string importId, CancellationToken cancellationToken) => inner.ImportAsync(source, importId, cancellationToken);

    public async Task<IReadOnlyList<AdvisoryRerunCandidate>> CandidatesAsync(string importId, CancellationToken cancellationToken)
    {
        gate.Reached.TrySetResult();
        await gate.Released.Task.WaitAsync(cancellationToken);
        return await inner.CandidatesAsync(importId, cancellationToken);
    }
}
