using Cucos.Messages;
using Cucos.Tests.Dependencies;
using Cucos.Tests.Support;
using Cucos.Workers.SecurityIssues;
using static Cucos.Tests.SecurityIssues.OsvFixtures;

namespace Cucos.Tests.SecurityIssues;

/// <summary>security_issues against a loopback OSV API: batch paging, the record cache, rate limits, errors, a slow answer.</summary>
[Trait("Category", "Unit")]
public sealed class OsvApiTests : IDisposable
{
    private static readonly FixedVersionSource NpmRegistry = new("npm", new Dictionary<string, string[]>
    {
        ["serve-static"] = ["1.7.1", "1.7.2"],
        ["lodash"] = ["4.17.11", "4.17.12"],
    });

    private readonly OsvApiServer api = new();
    private readonly SecurityRun run;

    public OsvApiTests()
    {
        run = new SecurityRun(new AdvisorySettings(null, api.BaseUrl), NpmRegistry);
        api.Add(ServeStatic, "npm", "serve-static", "1.7.1");
        api.Add(ServeStaticCve, "npm", "serve-static", "1.7.1");
        api.Add(Lodash, "npm", "lodash", "4.17.11");
    }

    [Fact]
    public async Task Batch_pages_are_followed_each_record_is_fetched_once_and_the_cache_serves_the_next_attempt()
    {
        api.PageSize = 1; // two hits for serve-static: two pages

        var document = await run.DocumentAsync("npm", "serve-static", "1.7.1", SecurityRun.Dependency("lodash", "4.17.11"));

        var finding = Assert.Single(document.Findings());
        Assert.Equal(["CVE-2015-1164", "GHSA-c3x7-gjmx-r2ff"], finding.GetProperty("aliases").Strings());
        Assert.Equal("upgrade to 1.7.2", finding.GetProperty("advice").GetString());
        Assert.Single(document.Details().GetProperty("dependencies").EnumerateArray());
        Assert.Equal(2, api.Count("POST /v1/querybatch"));
        // The second page asks only for the query that had more.
        var second = api.QueryBodies.Last()["queries"]!.AsArray();
        Assert.Equal("p1", (string?)Assert.Single(second)!["page_token"]);
        Assert.Equal(3, api.Count("GET /v1/vulns/"));

        await run.DocumentAsync("npm", "serve-static", "1.7.1", SecurityRun.Dependency("lodash", "4.17.11"));
        Assert.Equal(3, api.Count("GET /v1/vulns/")); // same modified: nothing fetched again
    }

    [Fact]
    public async Task A_rate_limit_asks_for_a_retry_after_the_servers_delay()
    {
        api.Fail(429, "120");
        var attempt = await run.AttemptAsync("npm", "serve-static", "1.7.1");
        Assert.Equal(AttemptOutcome.RetryRequested, attempt.Report.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(120), attempt.Report.RetryAfter);
        Assert.Contains("429", attempt.Report.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500, null, 60)]
    [InlineData(503, "7", 7)]
    public async Task A_server_error_asks_for_a_retry(int status, string? retryAfter, int seconds)
    {
        api.Fail(status, retryAfter);
        var attempt = await run.AttemptAsync("npm", "serve-static", "1.7.1");
        Assert.Equal(AttemptOutcome.RetryRequested, attempt.Report.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(seconds), attempt.Report.RetryAfter);

        // The next attempt gets the answers.
        Assert.Single((await run.DocumentAsync("npm", "serve-static", "1.7.1")).Findings());
    }

    [Fact]
    public async Task A_slow_answer_is_waited_for_and_an_attempt_given_up_stops_waiting()
    {
        api.Delay = TimeSpan.FromMilliseconds(300);
        Assert.Single((await run.DocumentAsync("npm", "serve-static", "1.7.1")).Findings());

        api.Delay = TimeSpan.FromMinutes(5);
        using var cancel = new CancellationTokenSource();
        var query = new OsvApi(Workers.Registries.RegistryHttp.CreateClient(), api.BaseUrl)
            .QueryAsync([new OsvQuery("npm", "serve-static", "1.7.1")], new SkippedRecords(), cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => query);
    }

    [Fact]
    public async Task A_record_from_both_the_api_and_the_directory_is_reported_once()
    {
        using var directory = new TempDirectory("cucos-osv");
        WriteZip(directory, "npm", ServeStatic);
        using var both = new SecurityRun(new AdvisorySettings(directory.Path, api.BaseUrl), NpmRegistry);

        var document = await both.DocumentAsync("npm", "serve-static", "1.7.1");

        Assert.Single(document.Findings());
        Assert.Equal(["directory", "api"], document.Details().GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("kind").GetString()!).Distinct());
    }

    public void Dispose()
    {
        run.Dispose();
        api.Dispose();
    }
}
