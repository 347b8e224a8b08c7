using System.ComponentModel;
using Cucos.Sdk;

namespace Cucos.Workers.GitHubDetails;

[TaskResultPart(GitHubDetailsTask.TaskName, ResultPart.Summary)]
public sealed record GitHubDetailsSummary(
    [property: Description("found; not_found when GitHub has no such repository (or hides it); skipped when the package names no repository on a configured GitHub host (reason says why)")] string Status,
    [property: Description("why there are no details; null when found")] string? Reason,
    [property: Description("owner/name as GitHub answers it (after a rename)")] string? Repository,
    int? Stars,
    int? Forks,
    [property: Description("open issues, pull requests not counted")] int? OpenIssues,
    int? OpenPullRequests,
    int? Contributors,
    bool? Archived,
    [property: Description("the tag of the latest release (not a draft or a prerelease)")] string? LatestRelease,
    [property: Description("commits in the last 52 weeks; null while GitHub had not computed them")] int? CommitsLastYear,
    [property: Description("requests sent to GitHub by this attempt")] int Requests,
    [property: Description("of those, answered 304 Not Modified from the ETag cache (they cost no rate limit)")] int NotModified);

[TaskResultPart(GitHubDetailsTask.TaskName, ResultPart.Details)]
[Description("Popularity, activity and health of the package's GitHub repository, from GitHub's REST API (github.com or an Enterprise server).")]
public sealed record GitHubDetailsDetails(
    [property: Description("the API asked, Cucos:GitHub:ApiBaseUrl")] string Api,
    [property: Description("the repository URL metadata normalised; null when it gave none")] string? RepositoryUrl,
    [property: Description("owner/name as the repository URL names it")] string? Requested,
    [property: Description("the owner/name GitHub now answers with, when the repository was renamed or moved (a 301 followed)")] string? RenamedTo,
    GitHubRepositoryFacts? Repository,
    int? Contributors,
    GitHubReleases? Releases,
    GitHubCommitActivity? CommitActivity,
    GitHubIssueActivity? IssueActivity,
    GitHubCommunity? Community);

/// <summary>The repository document's own fields.</summary>
public sealed record GitHubRepositoryFacts(
    string FullName,
    string? HtmlUrl,
    string? Description,
    string? Homepage,
    int Stars,
    int Forks,
    [property: Description("watchers: the subscribers_count of the repository")] int Subscribers,
    [property: Description("open issues without pull requests (GitHub's open_issues_count counts both)")] int? OpenIssues,
    int? OpenPullRequests,
    [property: Description("the SPDX id GitHub detected; null when none or NOASSERTION")] string? License,
    IReadOnlyList<string> Topics,
    string? DefaultBranch,
    bool Archived,
    bool Disabled,
    bool Fork,
    bool Template,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    DateTimeOffset? PushedAt);

/// <summary>Releases among the latest 100 (one page): the latest and how often they come.</summary>
public sealed record GitHubReleases(
    [property: Description("published releases read (drafts left out), at most 100")] int Count,
    string? LatestTag,
    string? LatestName,
    DateTimeOffset? LatestPublishedAt,
    [property: Description("releases published in the last 365 days")] int LastYear,
    [property: Description("median days between consecutive releases read; null with fewer than two")] double? MedianDaysBetween);

public sealed record GitHubCommitActivity(
    [property: Description("computed; or not_computed when GitHub still answered 202 after Cucos:GitHub:StatsAttempts attempts")] string Status,
    int? LastYear,
    [property: Description("commits in the last 4 weeks")] int? LastMonth,
    [property: Description("weeks of the last 52 with at least one commit")] int? ActiveWeeks,
    [property: Description("commits per week, oldest first (52 weeks)")] IReadOnlyList<int> Weekly);

/// <summary>Issues and pull requests opened and closed in the last 30 and 365 days (GitHub's search API, one request each).</summary>
public sealed record GitHubIssueActivity(
    int IssuesOpened30Days,
    int IssuesClosed30Days,
    int IssuesOpened365Days,
    int IssuesClosed365Days,
    int PullRequestsOpened30Days,
    int PullRequestsClosed30Days,
    int PullRequestsOpened365Days,
    int PullRequestsClosed365Days);

/// <summary>The community profile, and the security policy GitHub shows (SECURITY.md at the root, in .github/ or docs/).</summary>
public sealed record GitHubCommunity(
    [property: Description("GitHub's community health percentage; null when it gave none")] int? HealthPercentage,
    bool LicenseFile,
    bool Readme,
    bool Contributing,
    bool CodeOfConduct,
    [property: Description("the path of the security policy found; null when none")] string? SecurityPolicy);
