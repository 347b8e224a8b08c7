using System.Text;
using System.Text.Json;
using Cucos.Grains.Execution;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.Tests.Support;
using Cucos.Workers;
using Cucos.Workers.Ecosystems.Npm;
using Cucos.Workers.Ecosystems.Nuget;
using Cucos.Workers.Registries;
using Cucos.Workers.RegistryLifecycle;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.RegistryLifecycle;

/// <summary>
/// registry_lifecycle through its registration and the task runner, reading loopback registries through the
/// ecosystems' own clients configured as a host configures them (.npmrc, NuGet.Config, Cucos:Registries).
/// </summary>
[Trait("Category", "Unit")]
public sealed class RegistryLifecycleTaskTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory work = new("cucos-lifecycle");
    private readonly RegistryServer server = new();

    private ServiceProvider Services(string pypiUrl = "", string nugetSources = "", string nugetCredentials = "", RegistrySettings? settings = null)
    {
        work.WriteFile("home/.npmrc", Encoding.UTF8.GetBytes($"registry={server.BaseUrl}npm/\n"));
        var nugetConfig = work.WriteFile("NuGet.Config", Encoding.UTF8.GetBytes($"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><clear />{nugetSources}</packageSources>
              <packageSourceCredentials>{nugetCredentials}</packageSourceCredentials>
            </configuration>
            """));
        return new ServiceCollection()
            .AddSingleton<TimeProvider>(new FixedClock(Now))
            .AddSingleton(settings ?? new RegistrySettings(new Dictionary<string, string>
            {
                ["pypi"] = pypiUrl.Length > 0 ? pypiUrl : server.Url("/pypi-api/"),
                ["crates"] = server.Url("/crates-api/"),
            }))
            .AddSingleton(new NpmConfigSource(work.Path, work.Combine("home"), new Dictionary<string, string>(), AskNpm: false))
            .AddSingleton(new NuGetConfigSource(work.Path, nugetConfig))
            .AddCucosBuiltInTasks()
            .BuildServiceProvider();
    }

    private static async Task<FinishedAttempt> RunAsync(ServiceProvider services, AnalysisRequest request, string cache)
    {
        var context = TaskContextFactory.Create("analysis1", RegistryLifecycleTask.TaskName, 1, request.ToRequestView(), cache, packagePath: cache,
            new InMemoryTaskResultStore(), services);
        return await TaskRunner.CallAsync(services.GetRequiredService<TaskRegistry>(), context, CancellationToken.None);
    }

    private async Task<JsonElement> ReadAsync(ServiceProvider services, string ecosystem, string name, string version)
    {
        var attempt = await RunAsync(services, AnalysisRequest.ForPackage(ecosystem, name, version), work.Combine("cache"));
        Assert.True(attempt.Succeeded, $"{attempt.Report.Error?.Type}: {attempt.Report.Error?.Message}");
        ResultSchemas.AssertValid(RegistryLifecycleTask.TaskName, attempt.Document!.Value);
        return attempt.Document!.Value;
    }

    private void ServeNpm()
    {
        object Version(string version, string[] maintainers, string? deprecated = null)
        {
            var document = new Dictionary<string, object> { ["name"] = "left-pad", ["version"] = version, ["maintainers"] = maintainers.Select(m => new { name = m, email = m + "@example.test" }) };
            if (deprecated is not null)
                document["deprecated"] = deprecated;
            return document;
        }
        server.Map("/npm/left-pad", Reply.Json(new Dictionary<string, object>
        {
            ["name"] = "left-pad",
            ["dist-tags"] = new { latest = "2.0.0", next = "3.0.0-rc.1" },
            ["maintainers"] = new[] { new { name = "carol" } },
            ["time"] = new Dictionary<string, string>
            {
                ["created"] = "2025-01-01T00:00:00.000Z",
                ["modified"] = "2026-05-01T00:00:00.000Z",
                ["1.0.0"] = "2025-01-01T00:00:00.000Z",
                ["1.1.0"] = "2025-03-02T00:00:00.000Z",
                ["2.0.0-beta.1"] = "2025-04-01T00:00:00.000Z",
                ["2.0.0"] = "2025-05-01T00:00:00.000Z",
                ["3.0.0-rc.1"] = "2026-05-01T00:00:00.000Z",
            },
            ["versions"] = new Dictionary<string, object>
            {
                ["1.0.0"] = Version("1.0.0", ["alice"]),
                ["1.1.0"] = Version("1.1.0", ["alice", "bob"], "1.x is no longer maintained: use 2.x"),
                ["2.0.0-beta.1"] = Version("2.0.0-beta.1", ["bob"]),
                ["2.0.0"] = Version("2.0.0", ["bob"]),
                ["3.0.0-rc.1"] = Version("3.0.0-rc.1", ["bob"]),
            },
        }));
    }

    [Fact]
    public async Task Npm_reads_dist_tags_time_deprecated_and_maintainers_from_the_packument()
    {
        ServeNpm();
        using var services = Services();

        var document = await ReadAsync(services, "npm", "left-pad", "1.1.0");

        var summary = document.GetProperty("summary");
        Assert.Equal("read", summary.GetProperty("status").GetString());
        Assert.Equal("2.0.0", summary.GetProperty("latest_version").GetString());
        Assert.Equal(2, summary.GetProperty("versions_behind").GetInt32()); // 2.0.0-beta.1 and 2.0.0; not 3.0.0-rc.1, after the latest
        Assert.Equal(60, summary.GetProperty("days_behind").GetInt32());
        Assert.True(summary.GetProperty("deprecated").GetBoolean());
        Assert.False(summary.GetProperty("yanked").GetBoolean());
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("unlisted").ValueKind); // npm has no listed flag
        Assert.Equal(5, summary.GetProperty("versions").GetInt32());
        Assert.True(summary.GetProperty("maintainers_changed").GetBoolean());
        var details = document.GetProperty("details");
        Assert.Equal("registry", details.GetProperty("latest").GetProperty("source").GetString());
        Assert.Equal("1.x is no longer maintained: use 2.x", details.GetProperty("release").GetProperty("deprecation_message").GetString());
        Assert.Equal(new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.Zero), details.GetProperty("release").GetProperty("published").GetDateTimeOffset());
        var maintainers = details.GetProperty("maintainers");
        Assert.Equal("1.0.0", maintainers.GetProperty("previous_version").GetString());
        Assert.Equal(["bob"], maintainers.GetProperty("added").EnumerateArray().Select(m => m.GetString()));
        Assert.Empty(maintainers.GetProperty("removed").EnumerateArray());
        Assert.Equal(1, details.GetProperty("releases").GetProperty("last_year").GetInt32()); // 3.0.0-rc.1 only: 2.0.0 is a year and a month old
        Assert.Contains("yanked", details.GetProperty("not_available").EnumerateArray().Select(n => n.GetString()));
        Assert.DoesNotContain(server.Requests, r => r.Path.Contains("tgz", StringComparison.Ordinal)); // the packument only
    }

    [Fact]
    public async Task Npm_latest_version_is_the_latest_with_nothing_behind()
    {
        ServeNpm();
        using var services = Services();

        var summary = (await ReadAsync(services, "npm", "left-pad", "2.0.0")).GetProperty("summary");

        Assert.Equal(0, summary.GetProperty("versions_behind").GetInt32());
        Assert.Equal(0, summary.GetProperty("days_behind").GetInt32());
        Assert.False(summary.GetProperty("deprecated").GetBoolean());
        Assert.False(summary.GetProperty("maintainers_changed").GetBoolean());
    }

    private void ServePyPi()
    {
        object File(string uploaded, bool yanked = false, string? reason = null) =>
            new { filename = "f.tar.gz", packagetype = "sdist", upload_time_iso_8601 = uploaded, yanked, yanked_reason = reason };
        server.Map("/pypi-api/pypi/fixture/json", Reply.Json(new
        {
            info = new { name = "fixture", version = "2.0", author = "Dana" },
            releases = new Dictionary<string, object[]>
            {
                ["1.0"] = [File("2025-01-01T10:00:00.000000Z")],
                ["1.1"] = [File("2025-02-01T10:00:00.000000Z", yanked: true, reason: "broken wheel metadata"), File("2025-02-01T11:00:00.000000Z", yanked: true)],
                ["1.2"] = [File("2025-02-11T10:00:00.000000Z"), File("2025-02-12T10:00:00.000000Z", yanked: true)],
                ["2.0"] = [File("2025-03-03T10:00:00.000000Z")],
                ["2.1b1"] = [File("2025-04-03T10:00:00.000000Z")],
            },
        }));
        server.Map("/pypi-api/pypi/fixture/1.0/json", Reply.Json(new { info = new { name = "fixture", version = "1.0", author = "Alice <alice@example.test>" } }));
        server.Map("/pypi-api/pypi/fixture/1.1/json", Reply.Json(new { info = new { name = "fixture", version = "1.1", author = "Alice", maintainer = "Bob" } }));
    }

    [Fact]
    public async Task PyPi_reads_upload_times_yanks_with_their_reason_and_the_releases_authors()
    {
        ServePyPi();
        using var services = Services();

        var document = await ReadAsync(services, "pypi", "fixture", "1.1");

        var summary = document.GetProperty("summary");
        Assert.Equal("2.0", summary.GetProperty("latest_version").GetString());
        Assert.True(summary.GetProperty("yanked").GetBoolean());
        Assert.Equal(2, summary.GetProperty("versions_behind").GetInt32()); // 1.2 (one file yanked is not a yanked release) and 2.0
        Assert.Equal(30, summary.GetProperty("days_behind").GetInt32());
        var details = document.GetProperty("details");
        Assert.Equal("broken wheel metadata", details.GetProperty("release").GetProperty("yanked_reason").GetString());
        Assert.Equal(1, details.GetProperty("releases").GetProperty("yanked").GetInt32());
        Assert.Equal(4, details.GetProperty("releases").GetProperty("available").GetInt32());
        var maintainers = details.GetProperty("maintainers");
        Assert.Equal(["Alice", "Bob"], maintainers.GetProperty("current").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["Alice"], maintainers.GetProperty("previous").EnumerateArray().Select(m => m.GetString()));
        Assert.True(summary.GetProperty("maintainers_changed").GetBoolean());
        Assert.DoesNotContain("maintainers", details.GetProperty("not_available").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public async Task PyPi_behind_a_simple_only_index_is_skipped_with_the_reason()
    {
        using var services = Services(pypiUrl: server.Url("/simple/"));

        var summary = (await ReadAsync(services, "pypi", "fixture", "1.1")).GetProperty("summary");

        Assert.Equal("skipped", summary.GetProperty("status").GetString());
        Assert.Contains("Simple Repository API", summary.GetProperty("reason").GetString());
        Assert.Empty(server.Requests);
    }

    private void ServeNuGet()
    {
        server.Map("/v3/index.json", Reply.Json(new Dictionary<string, object>
        {
            ["version"] = "3.0.0",
            ["resources"] = new object[]
            {
                new Dictionary<string, string> { ["@id"] = server.Url("/v3/flat/"), ["@type"] = "PackageBaseAddress/3.0.0" },
                new Dictionary<string, string> { ["@id"] = server.Url("/v3/registration-old/"), ["@type"] = "RegistrationsBaseUrl" },
                new Dictionary<string, string> { ["@id"] = server.Url("/v3/registration/"), ["@type"] = "RegistrationsBaseUrl/3.6.0" },
            },
        }));
        object Leaf(string version, string published, bool listed = true, object? deprecation = null) => new
        {
            catalogEntry = new Dictionary<string, object?>
            {
                ["id"] = "Fixture.Lib",
                ["version"] = version,
                ["published"] = published,
                ["listed"] = listed,
                ["authors"] = version == "1.0.0" ? "Alice" : "Alice, Bob",
                ["deprecation"] = deprecation,
            },
        };
        server.Map("/v3/registration/fixture.lib/index.json", Reply.Json(new
        {
            count = 2,
            items = new object[]
            {
                new { count = 2, lower = "1.0.0", upper = "1.1.0", items = new[]
                {
                    Leaf("1.0.0", "2025-01-01T00:00:00+00:00"),
                    Leaf("1.1.0", "1900-01-01T00:00:00+00:00", listed: false, deprecation: new { reasons = new[] { "Legacy", "CriticalBugs" }, message = "Use Fixture.Next" }),
                } },
                new Dictionary<string, object> { ["@id"] = server.Url("/v3/registration/fixture.lib/page/2.0.0/2.0.0.json"), ["count"] = 1, ["lower"] = "2.0.0", ["upper"] = "2.0.0" },
            },
        }));
        server.Map("/v3/registration/fixture.lib/page/2.0.0/2.0.0.json", Reply.Json(new { items = new[] { Leaf("2.0.0", "2025-06-01T00:00:00+00:00") } }));
    }

    [Fact]
    public async Task NuGet_reads_listed_deprecation_and_published_from_the_registration_pages_with_the_sources_credentials()
    {
        ServeNuGet();
        server.RequiredAuthorization = "Basic " + Convert.ToBase64String("ci-user:p@ss"u8.ToArray());
        using var services = Services(
            nugetSources: $"""<add key="private" value="{server.Url("/v3/index.json")}" protocolVersion="3" />""",
            nugetCredentials: """<private><add key="Username" value="ci-user" /><add key="ClearTextPassword" value="p@ss" /></private>""");

        var document = await ReadAsync(services, "nuget", "Fixture.Lib", "1.1");

        var summary = document.GetProperty("summary");
        Assert.True(summary.GetProperty("unlisted").GetBoolean());
        Assert.True(summary.GetProperty("deprecated").GetBoolean());
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("published").ValueKind); // NuGet's 1900 for an unlisted version
        Assert.Equal("2.0.0", summary.GetProperty("latest_version").GetString());
        Assert.Equal(1, summary.GetProperty("versions_behind").GetInt32());
        Assert.Equal(3, summary.GetProperty("versions").GetInt32());
        var details = document.GetProperty("details");
        Assert.Equal("derived", details.GetProperty("latest").GetProperty("source").GetString());
        Assert.Equal("Legacy, CriticalBugs: Use Fixture.Next", details.GetProperty("release").GetProperty("deprecation_message").GetString());
        Assert.Contains("'private'", details.GetProperty("registry").GetString());
        Assert.DoesNotContain("p@ss", document.GetRawText());
        Assert.Equal(1, server.CountRequests("/v3/registration/fixture.lib/page/2.0.0/2.0.0.json"));
        Assert.Equal(0, server.CountRequests("/v3/registration-old/fixture.lib/index.json"));
    }

    private void ServeCrates() => server.Map("/crates-api/api/v1/crates/fixture", Reply.Json(new
    {
        crate = new { id = "fixture", name = "fixture", max_stable_version = "0.3.0", newest_version = "0.3.0" },
        versions = new object[]
        {
            new { num = "0.3.0", yanked = false, created_at = "2025-03-01T00:00:00.000000+00:00", published_by = new { login = "bob" } },
            new { num = "0.2.0", yanked = true, created_at = "2025-02-01T00:00:00.000000+00:00", published_by = new { login = "bob" } },
            new { num = "0.1.0", yanked = false, created_at = "2025-01-01T00:00:00.000000+00:00", published_by = new { login = "alice" } },
        },
    }));

    [Fact]
    public async Task Crates_reads_yanked_created_at_and_the_publisher()
    {
        ServeCrates();
        using var services = Services();

        var document = await ReadAsync(services, "crates", "fixture", "0.1.0");

        var summary = document.GetProperty("summary");
        Assert.False(summary.GetProperty("yanked").GetBoolean());
        Assert.Equal("0.3.0", summary.GetProperty("latest_version").GetString());
        Assert.Equal(1, summary.GetProperty("versions_behind").GetInt32()); // 0.2.0 is yanked
        Assert.Equal(59, summary.GetProperty("days_behind").GetInt32());
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("maintainers_changed").ValueKind); // no release before 0.1.0
        var details = document.GetProperty("details");
        Assert.Equal(1, details.GetProperty("releases").GetProperty("yanked").GetInt32());
        Assert.Equal(29.5, details.GetProperty("releases").GetProperty("median_days_between_releases").GetDouble()); // 31 and 28 days

        var yanked = (await ReadAsync(services, "crates", "fixture", "0.2.0")).GetProperty("summary");
        Assert.True(yanked.GetProperty("yanked").GetBoolean());
        Assert.True(yanked.GetProperty("maintainers_changed").GetBoolean());
    }

    /// <summary>Cargo's configuration as it reads when it replaces crates-io with a sparse index.</summary>
    private sealed class SparseIndex(Uri index) : INativeRegistryConfiguration
    {
        public string Ecosystem => "crates";
        public string Where => "a test's Cargo configuration";
        public RegistryEndpoint? Find(string packageName) => RegistryEndpoint.FromUrl(index.AbsoluteUri, Where, RegistryProtocol.CargoSparseIndex);
    }

    [Fact]
    public async Task Crates_from_a_sparse_index_gives_versions_and_yanks_and_says_what_it_cannot()
    {
        server.Map("/index/fi/xt/fixture", Reply.Text("""
            {"name":"fixture","vers":"0.1.0","deps":[],"cksum":"00","features":{},"yanked":false}
            {"name":"fixture","vers":"0.2.0","deps":[],"cksum":"00","features":{},"yanked":true}
            {"name":"fixture","vers":"0.3.0","deps":[],"cksum":"00","features":{},"yanked":false}
            """));
        using var services = Services(settings: new RegistrySettings(new Dictionary<string, string>(), [new SparseIndex(new Uri(server.BaseUrl, "index/"))]));

        var document = await ReadAsync(services, "crates", "fixture", "0.2.0");

        var summary = document.GetProperty("summary");
        Assert.Equal("read", summary.GetProperty("status").GetString());
        Assert.True(summary.GetProperty("yanked").GetBoolean());
        Assert.Equal("0.3.0", summary.GetProperty("latest_version").GetString());
        Assert.Equal(1, summary.GetProperty("versions_behind").GetInt32());
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("days_behind").ValueKind);
        Assert.Equal("derived", document.GetProperty("details").GetProperty("latest").GetProperty("source").GetString());
        Assert.Equal(["published", "maintainers", "deprecated", "listed"],
            document.GetProperty("details").GetProperty("not_available").EnumerateArray().Select(n => n.GetString()));

        server.Map("/index/fi/xt/fixture", Reply.Text("not json\n"));
        var broken = await RunAsync(services, AnalysisRequest.ForPackage("crates", "fixture", "0.2.0"), work.Combine("cache"));
        Assert.True(broken.Report.Error!.Fatal);
        Assert.Contains("is not a Cargo sparse index file", broken.Report.Error.Message);
    }

    [Fact]
    public async Task A_local_path_and_an_ecosystem_without_a_reader_are_skipped_with_the_reason()
    {
        using var services = Services();
        var folder = work.Combine("package");
        Directory.CreateDirectory(folder);

        var local = await RunAsync(services, AnalysisRequest.ForLocalPath(folder), work.Combine("cache"));
        var maven = await ReadAsync(services, "maven", "org.example:lib", "1.0");

        Assert.True(local.Succeeded, local.Report.Error?.Message);
        ResultSchemas.AssertValid(RegistryLifecycleTask.TaskName, local.Document!.Value);
        Assert.Equal("skipped", local.Document!.Value.GetProperty("summary").GetProperty("status").GetString());
        Assert.Contains("local directory or archive", local.Document!.Value.GetProperty("summary").GetProperty("reason").GetString());
        Assert.Equal("skipped", maven.GetProperty("summary").GetProperty("status").GetString());
        Assert.Contains("maven's is not one of them", maven.GetProperty("summary").GetProperty("reason").GetString());
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_package_or_version_the_registry_does_not_have_is_not_found()
    {
        ServeCrates();
        using var services = Services();

        var package = (await ReadAsync(services, "npm", "no-such-package", "1.0.0")).GetProperty("summary");
        var version = (await ReadAsync(services, "crates", "fixture", "9.9.9")).GetProperty("summary");

        Assert.Equal("not_found", package.GetProperty("status").GetString());
        Assert.Contains("'no-such-package' was not found in the npm registry at", package.GetProperty("reason").GetString());
        Assert.Equal("not_found", version.GetProperty("status").GetString());
        Assert.Contains("lists fixture but not version 9.9.9", version.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Rate_limits_server_errors_and_bad_json_are_task_errors_in_one_sentence()
    {
        ServeNpm();
        using var services = Services();
        var request = AnalysisRequest.ForPackage("npm", "left-pad", "1.1.0");
        server.FailFirst("/npm/left-pad", 429, 503);

        var limited = await RunAsync(services, request, work.Combine("cache"));
        var unavailable = await RunAsync(services, request, work.Combine("cache"));
        server.Map("/npm/left-pad", Reply.Text("<html>not json</html>", "application/json"));
        var broken = await RunAsync(services, request, work.Combine("cache"));

        Assert.Equal(AttemptOutcome.RetryRequested, limited.Report.Outcome);
        Assert.Contains("answered 429", limited.Report.Error!.Message);
        Assert.Equal(AttemptOutcome.Failed, unavailable.Report.Outcome);
        Assert.False(unavailable.Report.Error!.Fatal); // transient: the retry policy runs it again
        Assert.Contains("answered 503", unavailable.Report.Error.Message);
        Assert.True(broken.Report.Error!.Fatal);
        Assert.Contains("did not answer with valid JSON", broken.Report.Error.Message);
        foreach (var failed in new[] { limited, unavailable, broken })
            Assert.DoesNotContain("   at ", failed.Report.Error!.Message);
    }

    public void Dispose()
    {
        server.Dispose();
        work.Dispose();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
