using System.Globalization;
using System.Net;
using System.Text.Json;
using Cucos.Sdk;
using Cucos.Workers.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cucos.Workers.GitHubDetails;

/// <summary>
/// The seed's githuber: popularity, activity and health of the repository metadata names, from GitHub's REST API.
/// 15 to 17 requests cold (the repository, contributors, open pull requests, releases, commit activity, eight
/// searches, the community profile, the security policy), nearly all answered 304 on a re-analysis.
/// </summary>
/// <param name="services">The silo's shared client, token pools and memory cache; absent when the task runs without services.</param>
public sealed partial class GitHubDetailsTask(GitHubServices? services = null) : BaseTask
{
    public const string TaskName = "github_details";

    public override string Name => TaskName;
    public override bool ReadsPackageFiles => false; // results and the request only
    public override string Description => "Popularity and activity of the package's GitHub repository: stars, forks, watchers, issues and pull requests, contributors, releases, commit activity, licence and community profile.";
    public override string? SpawnedBy => MetadataTask.TaskName;
    public override TimeSpan Timeout => TimeSpan.FromMinutes(5);

    // Rate limits and statistics still being computed ask for later attempts: room for several, and for a wait up
    // to a primary limit's reset (at most an hour away) plus its jitter.
    public override RetryPolicy RetryPolicy => new(10, TimeSpan.FromSeconds(30), 2, TimeSpan.FromMinutes(10)) { MaxRequestedDelay = TimeSpan.FromMinutes(65) };

    private readonly GitHubServices shared = services ?? GitHubServices.Shared;

    /// <summary>Where security policies may live, in the order GitHub looks.</summary>
    private static readonly string[] SecurityPolicyPaths = ["SECURITY.md", ".github/SECURITY.md", "docs/SECURITY.md"];

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var settings = context.Services.GetService<GitHubSettings>() ?? GitHubSettings.From(context.Services.GetService<IConfiguration>());
        var metadata = await context.GetResultAsync<MetadataDetails>(cancellationToken).ConfigureAwait(false);
        var url = metadata?.CodeRepository?.Url;
        if (GitHubRepositories.Parse(url, settings, out var reason) is not { } requested)
            return Result("skipped", reason, settings, url, null, null, new Gathered(), null);
        if (!settings.Configured)
            return Result("skipped", $"GitHub is not configured: set {GitHubSettings.TokensKey} (a token; anonymous calls allow about four analyses an hour) or {GitHubSettings.ApiBaseUrlKey} ({GitHubSettings.PublicApi.GetLeftPart(UriPartial.Authority)} for github.com, or an Enterprise server's /api/v3).",
                settings, url, null, null, new Gathered(), null);

        var api = shared.Api(settings, context.Services.GetService<IHttpResponseCache>());
        var requestedName = $"{requested.Owner}/{requested.Name}";
        var repository = await api.GetAsync($"repos/{requested.Owner}/{requested.Name}", cancellationToken).ConfigureAwait(false);
        if (repository.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden or HttpStatusCode.UnavailableForLegalReasons || repository.Status == HttpStatusCode.Gone)
            return Result("not_found", repository.Status == HttpStatusCode.NotFound
                    ? $"repository not found: GitHub at {settings.ShownApi} has no repository {requestedName} (or it is private to the token used)."
                    : $"GitHub at {settings.ShownApi} refused the repository {requestedName} ({(int)repository.Status}): it is private, blocked or gone.",
                settings, url, requestedName, null, new Gathered(), api);
        if (!repository.Ok)
            throw new FatalTaskException($"GitHub at {settings.ShownApi} answered {(int)repository.Status} for the repository {requestedName}: is {GitHubSettings.ApiBaseUrlKey} a GitHub REST API?");

        var body = repository.Body;
        var fullName = String(body, "full_name") ?? requestedName;
        if (fullName.Split('/') is not [var owner, var name] || GitHubRepositories.Parse($"https://{settings.Hosts[0]}/{fullName}", settings, out _) is null)
            throw new FatalTaskException($"GitHub at {settings.ShownApi} named the repository {requestedName} '{fullName}', which is not owner/name.");
        var path = $"repos/{owner}/{name}";
        var now = context.Clock.GetUtcNow();
        var gathered = new Gathered();

        // Asked first, so that GitHub is computing them while the other requests go out.
        var stats = await api.GetAsync(path + "/stats/commit_activity", cancellationToken).ConfigureAwait(false);
        gathered.Contributors = await CountAsync(api, path + "/contributors?per_page=1&anon=true", cancellationToken).ConfigureAwait(false);
        var openPulls = await CountAsync(api, path + "/pulls?state=open&per_page=1", cancellationToken).ConfigureAwait(false);
        gathered.Releases = Releases(await api.GetAsync(path + "/releases?per_page=100", cancellationToken).ConfigureAwait(false), now);
        gathered.IssueActivity = await IssueActivityAsync(api, fullName, now, cancellationToken).ConfigureAwait(false);
        gathered.Community = await CommunityAsync(api, path, cancellationToken).ConfigureAwait(false);
        gathered.Repository = Facts(body, fullName, openPulls);

        if (stats.Status == HttpStatusCode.Accepted)
        {
            if (context.Attempt < settings.StatsAttempts)
                throw new RetryTaskException(settings.StatsRetryDelay,
                    $"GitHub is still computing the commit activity of {fullName} (202 Accepted); asking again (attempt {context.Attempt} of {settings.StatsAttempts}, {GitHubSettings.StatsAttemptsKey}).");
            gathered.CommitActivity = new GitHubCommitActivity("not_computed", null, null, null, []);
        }
        else
            gathered.CommitActivity = CommitActivity(stats);

        var renamedTo = string.Equals(fullName, requestedName, StringComparison.OrdinalIgnoreCase) ? null : fullName;
        LogGathered(context.Logger, fullName, api.Requests, api.NotModified);
        return Result("found", null, settings, url, requestedName, renamedTo, gathered, api);
    }

    private sealed class Gathered
    {
        public GitHubRepositoryFacts? Repository { get; set; }
        public int? Contributors { get; set; }
        public GitHubReleases? Releases { get; set; }
        public GitHubCommitActivity? CommitActivity { get; set; }
        public GitHubIssueActivity? IssueActivity { get; set; }
        public GitHubCommunity? Community { get; set; }
    }

    private static TaskResult Result(string status, string? reason, GitHubSettings settings, string? url, string? requested, string? renamedTo, Gathered g, GitHubApi? api)
    {
        var facts = g.Repository;
        return TaskResult.Success(
            new GitHubDetailsSummary(status, reason, facts?.FullName, facts?.Stars, facts?.Forks, facts?.OpenIssues, facts?.OpenPullRequests, g.Contributors,
                facts?.Archived, g.Releases?.LatestTag, g.CommitActivity?.LastYear, api?.Requests ?? 0, api?.NotModified ?? 0),
            new GitHubDetailsDetails(settings.ShownApi, url, requested, renamedTo, facts, g.Contributors, g.Releases, g.CommitActivity, g.IssueActivity, g.Community));
    }

    /// <summary>A list's length from one item per page: the <c>Link</c> header's last page, or the one page's items; null when GitHub refused.</summary>
    private static async Task<int?> CountAsync(GitHubApi api, string path, CancellationToken cancellationToken)
    {
        var response = await api.GetAsync(path, cancellationToken).ConfigureAwait(false);
        if (response.Status == HttpStatusCode.NoContent)
            return 0; // an empty repository has no contributors
        if (!response.Ok || response.Body.ValueKind != JsonValueKind.Array)
            return null;
        return GitHubApi.LastPage(response.Link) ?? response.Body.GetArrayLength();
    }

    private static GitHubRepositoryFacts Facts(JsonElement body, string fullName, int? openPulls)
    {
        var openIssuesAndPulls = Int(body, "open_issues_count");
        var license = body.TryGetProperty("license", out var l) && l.ValueKind == JsonValueKind.Object ? String(l, "spdx_id") : null;
        return new GitHubRepositoryFacts(
            fullName, String(body, "html_url"), String(body, "description"), String(body, "homepage") is { Length: > 0 } home ? home : null,
            Int(body, "stargazers_count") ?? 0, Int(body, "forks_count") ?? 0, Int(body, "subscribers_count") ?? 0,
            openIssuesAndPulls is { } both && openPulls is { } pulls ? Math.Max(0, both - pulls) : null, openPulls,
            license is null or "NOASSERTION" ? null : license,
            body.TryGetProperty("topics", out var t) && t.ValueKind == JsonValueKind.Array ? [.. t.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)] : [],
            String(body, "default_branch"), Bool(body, "archived"), Bool(body, "disabled"), Bool(body, "fork"), Bool(body, "is_template"),
            Time(body, "created_at"), Time(body, "updated_at"), Time(body, "pushed_at"));
    }

    private static GitHubReleases? Releases(GitHubResponse response, DateTimeOffset now)
    {
        if (!response.Ok || response.Body.ValueKind != JsonValueKind.Array)
            return null;
        var published = response.Body.EnumerateArray()
            .Where(r => r.ValueKind == JsonValueKind.Object && !Bool(r, "draft") && Time(r, "published_at") is not null)
            .Select(r => (Tag: String(r, "tag_name"), Name: String(r, "name"), Prerelease: Bool(r, "prerelease"), At: Time(r, "published_at")!.Value))
            .OrderBy(r => r.At).ToList();
        var latest = published.LastOrDefault(r => !r.Prerelease);
        var gaps = published.Zip(published.Skip(1), (a, b) => (b.At - a.At).TotalDays).Order().ToList();
        double? median = gaps.Count == 0 ? null : Math.Round(gaps.Count % 2 == 1 ? gaps[gaps.Count / 2] : (gaps[gaps.Count / 2 - 1] + gaps[gaps.Count / 2]) / 2, 2);
        return new GitHubReleases(published.Count, latest.Tag, latest.Name, latest.Tag is null && latest.Name is null ? null : latest.At,
            published.Count(r => r.At >= now.AddDays(-365)), median);
    }

    private static GitHubCommitActivity? CommitActivity(GitHubResponse response)
    {
        if (response.Status == HttpStatusCode.NoContent)
            return new GitHubCommitActivity("computed", 0, 0, 0, []);
        if (!response.Ok || response.Body.ValueKind != JsonValueKind.Array)
            return null;
        var weekly = response.Body.EnumerateArray().Select(w => w.ValueKind == JsonValueKind.Object ? Int(w, "total") ?? 0 : 0).ToList();
        return new GitHubCommitActivity("computed", weekly.Sum(), weekly.TakeLast(4).Sum(), weekly.Count(w => w > 0), weekly);
    }

    /// <summary>
    /// Eight searches with <c>per_page=1</c>, each read for its <c>total_count</c>: a fixed cost whatever the size of the
    /// repository (listing issues would cost a page per 100), on the search limit (30 a minute with a token), not the core one.
    /// </summary>
    private static async Task<GitHubIssueActivity?> IssueActivityAsync(GitHubApi api, string fullName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var counts = new List<int>(8);
        foreach (var kind in new[] { "issue", "pr" })
            foreach (var days in new[] { 30, 365 })
                foreach (var field in new[] { "created", "closed" })
                {
                    var since = now.AddDays(-days).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    var query = Uri.EscapeDataString($"repo:{fullName} is:{kind} {field}:>={since}");
                    var response = await api.GetAsync($"search/issues?q={query}&per_page=1", cancellationToken).ConfigureAwait(false);
                    if (!response.Ok || Int(response.Body, "total_count") is not { } total)
                        return null;
                    counts.Add(total);
                }
        return new GitHubIssueActivity(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], counts[7]);
    }

    private static async Task<GitHubCommunity?> CommunityAsync(GitHubApi api, string path, CancellationToken cancellationToken)
    {
        var profile = await api.GetAsync(path + "/community/profile", cancellationToken).ConfigureAwait(false);
        string? security = null;
        foreach (var candidate in SecurityPolicyPaths)
            if ((await api.GetAsync($"{path}/contents/{candidate}", cancellationToken).ConfigureAwait(false)).Ok)
            {
                security = candidate;
                break;
            }
        if (!profile.Ok || profile.Body.ValueKind != JsonValueKind.Object)
            return new GitHubCommunity(null, false, false, false, false, security);
        var files = profile.Body.TryGetProperty("files", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
        bool Has(string file) => files.ValueKind == JsonValueKind.Object && files.TryGetProperty(file, out var entry) && entry.ValueKind == JsonValueKind.Object;
        return new GitHubCommunity(Int(profile.Body, "health_percentage"), Has("license"), Has("readme"), Has("contributing"), Has("code_of_conduct"), security);
    }

    private static string? String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static bool Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static DateTimeOffset? Time(JsonElement e, string name) =>
        String(e, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "github_details read {Repository}: {Requests} requests, {NotModified} answered 304 from the ETag cache")]
    private static partial void LogGathered(ILogger logger, string repository, int requests, int notModified);
}
