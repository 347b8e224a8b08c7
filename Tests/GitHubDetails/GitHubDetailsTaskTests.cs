using System.Text.Json;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.Workers.GitHubDetails;
using Microsoft.Extensions.Configuration;

namespace Cucos.Tests.GitHubDetails;

/// <summary>github_details against a loopback GitHub REST API: figures, paging, statistics, limits, renames, caching.</summary>
[Trait("Category", "Unit")]
public sealed class GitHubDetailsTaskTests : IDisposable
{
    private const string Token = "ghp_TESTtoken0123456789abcdefSECRET";
    private const string OtherToken = "ghp_OTHERtoken9876543210fedcbaSECRET";
    private readonly GitHubApiServer server = new();
    private readonly DateTimeOffset now = DateTimeOffset.UtcNow;

    private FakeRepository Hello()
    {
        var repository = server.Add("octo/hello");
        repository.Releases.AddRange([
            ("v1.0.0", now.AddDays(-400), false, false),
            ("v1.1.0", now.AddDays(-300), false, false),
            ("v1.2.0", now.AddDays(-100), false, false),
            ("v2.0.0-rc.1", now.AddDays(-20), false, true),
            ("v2.0.0-draft", now.AddDays(-1), true, false),
        ]);
        repository.Items.AddRange([
            (false, now.AddDays(-3), null),                 // issue opened this month
            (false, now.AddDays(-40), now.AddDays(-2)),     // issue opened this year, closed this month
            (false, now.AddDays(-500), now.AddDays(-200)),  // issue closed this year
            (true, now.AddDays(-5), now.AddDays(-4)),       // pull request opened and closed this month
            (true, now.AddDays(-100), null),                // pull request opened this year
        ]);
        return repository;
    }

    [Fact]
    public async Task Reads_every_figure_GitHub_gives_for_the_repository()
    {
        var repository = Hello();
        using var run = new GitHubRun(GitHubRun.For(server));

        var document = await run.DocumentAsync("https://github.com/octo/hello");

        var summary = document.GetProperty("summary");
        Assert.Equal("found", summary.GetProperty("status").GetString());
        Assert.Equal("octo/hello", summary.GetProperty("repository").GetString());
        Assert.Equal(repository.Stars, summary.GetProperty("stars").GetInt32());
        Assert.Equal(37, summary.GetProperty("contributors").GetInt32()); // the Link header's last page with per_page=1
        Assert.Equal(9, summary.GetProperty("open_issues").GetInt32());   // open_issues_count 13 less 4 open pull requests
        Assert.Equal(4, summary.GetProperty("open_pull_requests").GetInt32());
        Assert.Equal("v1.2.0", summary.GetProperty("latest_release").GetString()); // not the prerelease, not the draft
        Assert.Equal(repository.WeeklyCommits.Sum(), summary.GetProperty("commits_last_year").GetInt32());
        var details = document.GetProperty("details");
        var facts = details.GetProperty("repository");
        Assert.Equal(78, facts.GetProperty("subscribers").GetInt32());
        Assert.Equal(56, facts.GetProperty("forks").GetInt32());
        Assert.Equal("MIT", facts.GetProperty("license").GetString());
        Assert.Equal(["http", "static"], facts.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("main", facts.GetProperty("default_branch").GetString());
        Assert.Equal("https://example.org/hello", facts.GetProperty("homepage").GetString());
        Assert.Equal(new DateTimeOffset(2014, 3, 1, 10, 0, 0, TimeSpan.Zero), facts.GetProperty("created_at").GetDateTimeOffset());
        var releases = details.GetProperty("releases");
        Assert.Equal(4, releases.GetProperty("count").GetInt32());
        Assert.Equal(3, releases.GetProperty("last_year").GetInt32());
        Assert.Equal(100.0, releases.GetProperty("median_days_between").GetDouble(), 1); // gaps of 100, 200 and 80 days
        var commits = details.GetProperty("commit_activity");
        Assert.Equal("computed", commits.GetProperty("status").GetString());
        Assert.Equal(repository.WeeklyCommits.TakeLast(4).Sum(), commits.GetProperty("last_month").GetInt32());
        Assert.Equal(52, commits.GetProperty("weekly").GetArrayLength());
        var activity = details.GetProperty("issue_activity");
        Assert.Equal(1, activity.GetProperty("issues_opened30_days").GetInt32());
        Assert.Equal(1, activity.GetProperty("issues_closed30_days").GetInt32());
        Assert.Equal(2, activity.GetProperty("issues_opened365_days").GetInt32());
        Assert.Equal(2, activity.GetProperty("issues_closed365_days").GetInt32());
        Assert.Equal(1, activity.GetProperty("pull_requests_opened30_days").GetInt32());
        Assert.Equal(1, activity.GetProperty("pull_requests_closed30_days").GetInt32());
        Assert.Equal(2, activity.GetProperty("pull_requests_opened365_days").GetInt32());
        Assert.Equal(1, activity.GetProperty("pull_requests_closed365_days").GetInt32());
        var community = details.GetProperty("community");
        Assert.True(community.GetProperty("license_file").GetBoolean());
        Assert.Equal(".github/SECURITY.md", community.GetProperty("security_policy").GetString());
        Assert.Contains(server.Requests, r => r.Path.Contains("/contributors?per_page=1", StringComparison.Ordinal));
        Assert.Equal(server.Requests.Count, summary.GetProperty("requests").GetInt32());
    }

    [Fact]
    public async Task A_re_analysis_is_answered_304_from_the_ETag_cache_and_costs_no_calls()
    {
        Hello();
        using var run = new GitHubRun(GitHubRun.For(server, tokens: [Token]));
        server.Tokens.Add(Token);
        var cold = await run.DocumentAsync("https://github.com/octo/hello");
        var coldCalls = server.Count(r => r.Status != 304);

        var warm = await run.DocumentAsync("https://github.com/octo/hello");

        Assert.Equal(0, cold.GetProperty("summary").GetProperty("not_modified").GetInt32());
        var requests = warm.GetProperty("summary").GetProperty("requests").GetInt32();
        // Every answer GitHub gave with an ETag comes back as a 304; only the absent SECURITY.md at the root (a 404) is asked in full.
        Assert.Equal(requests - 1, warm.GetProperty("summary").GetProperty("not_modified").GetInt32());
        Assert.Equal(coldCalls + 1, server.Count(r => r.Status != 304));
        Assert.Equal(cold.GetProperty("details").GetRawText(), warm.GetProperty("details").GetRawText());
    }

    [Fact]
    public async Task Statistics_still_being_computed_ask_for_a_later_attempt_and_then_report_not_computed()
    {
        Hello().StatsPending = 100;
        using var run = new GitHubRun(GitHubRun.For(server, statsAttempts: 2));

        var first = await run.AttemptAsync("https://github.com/octo/hello", attempt: 1);
        Assert.Equal(AttemptOutcome.RetryRequested, first.Report.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(7), first.Report.RetryAfter);
        Assert.Contains("202", first.Report.Error?.Message ?? "", StringComparison.Ordinal);

        var last = await run.DocumentAsync("https://github.com/octo/hello", attempt: 2);
        Assert.Equal("not_computed", last.GetProperty("details").GetProperty("commit_activity").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, last.GetProperty("summary").GetProperty("commits_last_year").ValueKind);
    }

    [Fact]
    public async Task Statistics_computed_by_the_next_attempt_are_reported()
    {
        Hello().StatsPending = 1;
        using var run = new GitHubRun(GitHubRun.For(server));

        Assert.Equal(AttemptOutcome.RetryRequested, (await run.AttemptAsync("https://github.com/octo/hello", attempt: 1)).Report.Outcome);
        var second = await run.DocumentAsync("https://github.com/octo/hello", attempt: 2);

        Assert.Equal("computed", second.GetProperty("details").GetProperty("commit_activity").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_spent_primary_limit_waits_for_its_reset_plus_jitter()
    {
        Hello();
        server.Tokens.Add(Token);
        server.ResetAt = now.AddMinutes(40);
        server.Spend(Token, "core", 0);
        using var run = new GitHubRun(GitHubRun.For(server, tokens: [Token]));

        var attempt = await run.AttemptAsync("https://github.com/octo/hello");

        Assert.Equal(AttemptOutcome.RetryRequested, attempt.Report.Outcome);
        var wait = attempt.Report.RetryAfter!.Value;
        var untilReset = DateTimeOffset.FromUnixTimeSeconds(server.ResetAt.ToUnixTimeSeconds() + 1) - now; // the end of the second the header names
        Assert.InRange(wait, untilReset - TimeSpan.FromSeconds(30), untilReset + GitHubApi.MaxJitter);
        Assert.Contains("primary rate limit", attempt.Report.Error!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, attempt.Report.Error.Message + attempt.Report.Error.StackTrace, StringComparison.Ordinal);
        Assert.Single(server.Requests); // the pool knows the token is spent: nothing more is sent before the reset
    }

    [Fact]
    public async Task A_reset_named_in_whole_seconds_is_waited_out_to_the_end_of_its_second()
    {
        Hello();
        server.Tokens.Add(Token);
        // The window reopens 0.9 s into the second its X-RateLimit-Reset names, as GitHub's may anywhere in it.
        var second = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 2);
        server.ResetAt = second.AddMilliseconds(900);
        server.Spend(Token, "core", 0);
        using var run = new GitHubRun(GitHubRun.For(server, tokens: [Token]));
        Assert.Equal(AttemptOutcome.RetryRequested, (await run.AttemptAsync("https://github.com/octo/hello")).Report.Outcome);

        // Within the named second, before the window reopens: an attempt then must not spend a request on a 403
        // (and then wait a whole minute, taking the limit for a clock that is off).
        await Task.Delay(second.AddMilliseconds(100) - DateTimeOffset.UtcNow is { Ticks: > 0 } untilInside ? untilInside : TimeSpan.Zero);
        var early = await run.AttemptAsync("https://github.com/octo/hello", attempt: 2);

        Assert.Equal(1, server.Count(r => r.Status == 403));
        if (early.Report.Outcome == AttemptOutcome.RetryRequested)
            Assert.InRange(early.Report.RetryAfter!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(1) + GitHubApi.MaxJitter);
    }

    [Fact]
    public async Task A_spent_token_gives_way_to_one_with_calls_left()
    {
        Hello();
        server.Tokens.UnionWith([Token, OtherToken]);
        server.Spend(Token, "core", 0);
        using var run = new GitHubRun(GitHubRun.For(server, tokens: [Token, OtherToken]));

        var document = await run.DocumentAsync("https://github.com/octo/hello");

        Assert.Equal("found", document.GetProperty("summary").GetProperty("status").GetString());
        Assert.Equal(1, server.Count(r => r.Token == Token && r.Path.Contains("repos/", StringComparison.Ordinal)));
        // The other core requests take the token with calls left; searches (their own limit) may still take the first.
        Assert.All(server.Requests.Skip(1).Where(r => !r.Path.Contains("search/", StringComparison.Ordinal)), r => Assert.Equal(OtherToken, r.Token));
    }

    [Fact]
    public async Task Requests_take_the_token_with_the_most_calls_left()
    {
        Hello();
        server.Tokens.UnionWith([Token, OtherToken]);
        server.Spend(Token, "core", 10);
        server.Spend(OtherToken, "core", 4000);
        using var run = new GitHubRun(GitHubRun.For(server, tokens: [Token, OtherToken]));

        await run.DocumentAsync("https://github.com/octo/hello");

        // The first request learns that the first token has 9 calls left; every later core request takes the other.
        var core = server.Requests.Where(r => !r.Path.Contains("search/", StringComparison.Ordinal)).ToList();
        Assert.Equal(Token, core[0].Token);
        Assert.All(core.Skip(1), r => Assert.Equal(OtherToken, r.Token));
    }

    [Theory]
    [InlineData(403, "120", "You have exceeded a secondary rate limit.", 120)]
    [InlineData(429, null, "Too many requests", 60)]
    [InlineData(403, null, "You have exceeded a secondary rate limit.", 60)]
    public async Task A_secondary_limit_waits_for_Retry_After(int status, string? retryAfter, string message, int seconds)
    {
        Hello();
        server.Fail(status, retryAfter, message);
        using var run = new GitHubRun(GitHubRun.For(server));

        var attempt = await run.AttemptAsync("https://github.com/octo/hello");

        Assert.Equal(AttemptOutcome.RetryRequested, attempt.Report.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(seconds), attempt.Report.RetryAfter);
        Assert.Contains("secondary rate limit", attempt.Report.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_renamed_repository_is_followed_and_reported()
    {
        Hello();
        server.Rename("octo/hello", "octo-org/hello-world");
        using var run = new GitHubRun(GitHubRun.For(server));

        var document = await run.DocumentAsync("https://github.com/octo/hello");

        Assert.Equal("octo-org/hello-world", document.GetProperty("summary").GetProperty("repository").GetString());
        Assert.Equal("octo/hello", document.GetProperty("details").GetProperty("requested").GetString());
        Assert.Equal("octo-org/hello-world", document.GetProperty("details").GetProperty("renamed_to").GetString());
        Assert.Equal(37, document.GetProperty("summary").GetProperty("contributors").GetInt32());
        Assert.Contains(server.Requests, r => r.Status == 301);
    }

    [Fact]
    public async Task A_missing_repository_is_a_result_not_a_failure()
    {
        using var run = new GitHubRun(GitHubRun.For(server));

        var document = await run.DocumentAsync("https://github.com/octo/nothing-here");

        Assert.Equal("not_found", document.GetProperty("summary").GetProperty("status").GetString());
        Assert.StartsWith("repository not found", document.GetProperty("summary").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_refused_token_fails_naming_the_setting_and_never_the_token()
    {
        Hello();
        server.Tokens.Add(OtherToken);
        using var run = new GitHubRun(GitHubRun.For(server, tokens: [Token]));

        var attempt = await run.AttemptAsync("https://github.com/octo/hello");

        Assert.Equal(AttemptOutcome.Failed, attempt.Report.Outcome);
        Assert.Equal(typeof(FatalTaskException).FullName, attempt.Report.Error!.Type);
        Assert.Contains(GitHubSettings.TokensKey, attempt.Report.Error.Message, StringComparison.Ordinal);
        Assert.Contains("token number 1", attempt.Report.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, attempt.Report.Error.Message + attempt.Report.Error.StackTrace + run.LoggedText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_appears_in_no_result_and_no_log_line()
    {
        Hello().StatsPending = 1;
        server.Tokens.Add(Token);
        using var run = new GitHubRun(GitHubRun.For(server, tokens: [Token]));

        var retried = await run.AttemptAsync("https://github.com/octo/hello", attempt: 1);
        var document = await run.DocumentAsync("https://github.com/octo/hello", attempt: 2);

        Assert.All(server.Requests, r => Assert.Equal(Token, r.Token)); // it was sent with every request
        Assert.NotEmpty(run.Logs.Lines);
        var everything = document.GetRawText() + JsonSerializer.Serialize(retried.Report) + run.LoggedText + run.Settings;
        Assert.DoesNotContain(Token, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Token[4..20], everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_Enterprise_server_under_api_v3_serves_the_repositories_of_its_own_host()
    {
        using var enterprise = new GitHubApiServer("/api/v3/");
        enterprise.Add("team/tool").Contributors = 3;
        var settings = GitHubSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [GitHubSettings.ApiBaseUrlKey] = enterprise.ApiBaseUrl.AbsoluteUri.TrimEnd('/'),
        }).Build());
        using var run = new GitHubRun(settings);

        var document = await run.DocumentAsync("https://127.0.0.1/team/tool");

        Assert.Equal(["127.0.0.1"], settings.Hosts);
        Assert.Equal("found", document.GetProperty("summary").GetProperty("status").GetString());
        Assert.Equal(3, document.GetProperty("summary").GetProperty("contributors").GetInt32());
        Assert.All(enterprise.Requests, r => Assert.StartsWith("/api/v3/", r.Path, StringComparison.Ordinal));
        // A github.com repository is not this server's.
        var other = await run.DocumentAsync("https://github.com/octo/hello");
        Assert.Equal("skipped", other.GetProperty("summary").GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(null, "no repository URL")]
    [InlineData("https://gitlab.com/group/project", "not on a GitHub host")]
    [InlineData("https://github.com/only-owner", "does not name an owner and a repository")]
    [InlineData("https://github.com/octo/..", "does not name an owner and a repository")]
    public async Task A_package_without_a_GitHub_repository_is_skipped_with_the_reason(string? url, string reason)
    {
        using var run = new GitHubRun(GitHubRun.For(server));

        var document = await run.DocumentAsync(url);

        Assert.Equal("skipped", document.GetProperty("summary").GetProperty("status").GetString());
        Assert.Contains(reason, document.GetProperty("summary").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task With_neither_a_token_nor_an_api_base_GitHub_is_not_asked_and_the_result_says_what_to_set()
    {
        var settings = GitHubSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build());
        using var run = new GitHubRun(settings);

        var document = await run.DocumentAsync("https://github.com/octo/hello");

        Assert.False(settings.Configured);
        Assert.Equal("skipped", document.GetProperty("summary").GetProperty("status").GetString());
        Assert.Contains(GitHubSettings.TokensKey, document.GetProperty("summary").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void Settings_read_lists_derive_hosts_and_refuse_bad_values_naming_the_key()
    {
        static GitHubSettings Read(params (string Key, string Value)[] values) => GitHubSettings.From(
            new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

        var defaults = Read();
        Assert.Equal(GitHubSettings.PublicApi, defaults.ApiBaseUrl);
        Assert.Equal(["github.com"], defaults.Hosts);
        Assert.Equal(["a", "b", "c"], Read((GitHubSettings.TokensKey, "a, b;c")).Tokens);
        Assert.Equal(["x", "y"], Read((GitHubSettings.TokensKey + ":0", "x"), (GitHubSettings.TokensKey + ":1", "y")).Tokens);
        Assert.Equal(["ghe.example", "code.example"], Read((GitHubSettings.ApiBaseUrlKey, "https://ghe.example/api/v3"), (GitHubSettings.HostsKey, "GHE.example,code.example")).Hosts);
        Assert.Equal(["ghe.example"], Read((GitHubSettings.ApiBaseUrlKey, "https://ghe.example/api/v3")).Hosts);
        Assert.Contains(GitHubSettings.ApiBaseUrlKey, Assert.Throws<FatalTaskException>(() => Read((GitHubSettings.ApiBaseUrlKey, "ftp://x"))).Message, StringComparison.Ordinal);
        Assert.Contains(GitHubSettings.HostsKey, Assert.Throws<FatalTaskException>(() => Read((GitHubSettings.HostsKey, "https://ghe.example"))).Message, StringComparison.Ordinal);
        Assert.Contains(GitHubSettings.StatsAttemptsKey, Assert.Throws<FatalTaskException>(() => Read((GitHubSettings.StatsAttemptsKey, "0"))).Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", Read((GitHubSettings.TokensKey, "secret")).ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<https://h/repositories/1/contributors?per_page=1&page=2>; rel=\"next\", <https://h/repositories/1/contributors?per_page=1&page=37>; rel=\"last\"", 37)]
    [InlineData("<https://h/x?page=3&per_page=1>; rel=\"last\", <https://h/x?page=1&per_page=1>; rel=\"first\"", 3)]
    [InlineData("<https://h/x?per_page=1&page=2>; rel=\"next\"", null)]
    [InlineData(null, null)]
    public void The_last_page_comes_from_the_Link_header(string? link, int? expected) =>
        Assert.Equal(expected, GitHubApi.LastPage(link));

    public void Dispose() => server.Dispose();
}
