using Cucos.Tests.Support;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Web;

namespace Cucos.Tests.GitHubDetails;

/// <summary>One repository the loopback server serves, with what its endpoints are computed from.</summary>
public sealed class FakeRepository(string fullName)
{
    public string FullName { get; set; } = fullName;
    public int Id { get; } = Random.Shared.Next(1000, 1_000_000);
    public int Stars { get; set; } = 1234;
    public int Forks { get; set; } = 56;
    public int Subscribers { get; set; } = 78;
    public string? Spdx { get; set; } = "MIT";
    public string[] Topics { get; set; } = ["http", "static"];
    public bool Archived { get; set; }
    public string Homepage { get; set; } = "https://example.org/hello";
    public int Contributors { get; set; } = 37;
    public int OpenPulls { get; set; } = 4;
    public int OpenIssues { get; set; } = 9;
    /// <summary>Releases as (tag, published, draft, prerelease).</summary>
    public List<(string Tag, DateTimeOffset Published, bool Draft, bool Prerelease)> Releases { get; } = [];
    /// <summary>Issues and pull requests as (pull request?, created, closed).</summary>
    public List<(bool Pull, DateTimeOffset Created, DateTimeOffset? Closed)> Items { get; } = [];
    public int[] WeeklyCommits { get; set; } = [.. Enumerable.Range(0, 52).Select(i => i % 3)];
    /// <summary>How many more times /stats/commit_activity answers 202 before it answers the statistics.</summary>
    public int StatsPending { get; set; }
    public string? SecurityPolicy { get; set; } = ".github/SECURITY.md";
    public bool LicenseFile { get; set; } = true;
}

/// <summary>
/// A loopback GitHub REST API under a base path ("/" as api.github.com, "/api/v3/" as an Enterprise server): the
/// repository, contributors and pulls paged by <c>per_page</c>/<c>page</c> with a <c>Link</c> header, releases,
/// <c>/stats/commit_activity</c> (202 while "computing"), <c>search/issues</c> counting from the repository's items,
/// the community profile and contents. Every answer carries an <c>ETag</c> and honours <c>If-None-Match</c> with a 304
/// that costs no call; tokens are checked (401 for an unknown one) and each has a primary limit per resource with
/// the <c>X-RateLimit-*</c> headers and GitHub's 403 when spent; a renamed repository answers 301 to
/// <c>/repositories/{id}</c>; secondary limits and server errors can be queued.
/// </summary>
public sealed class GitHubApiServer : IDisposable
{
    private readonly LoopbackListener listener;
    private readonly ConcurrentDictionary<string, FakeRepository> repositories = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> renamed = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string Token, string Resource), int> used = new();
    private readonly ConcurrentQueue<(int Status, string? RetryAfter, string Message)> failures = new();
    private readonly Lock gate = new();

    public GitHubApiServer(string basePath = "/")
    {
        BasePath = basePath;
        listener = new LoopbackListener(context => Task.Run(() => Answer(context)));
    }

    public string BasePath { get; }
    public string Origin => listener.Origin;
    public Uri ApiBaseUrl => new(Origin + BasePath);

    /// <summary>Tokens the server accepts; with none, only anonymous requests are served.</summary>
    public HashSet<string> Tokens { get; } = [];
    public bool AllowAnonymous { get; set; } = true;
    /// <summary>Calls per token (or anonymous) and resource before the primary limit is spent.</summary>
    public int CoreLimit { get; set; } = 5000;
    public int SearchLimit { get; set; } = 30;
    /// <summary>When the limits reset; a request at or after it starts a fresh window.</summary>
    public DateTimeOffset ResetAt { get; set; } = DateTimeOffset.UtcNow.AddHours(1);

    /// <summary>When set, the first request moves <see cref="ResetAt"/> this far ahead of it (a window that starts when the client comes, however slowly it starts).</summary>
    public TimeSpan? ResetIn { get; set; }

    /// <summary>The reset the first request was given when <see cref="ResetIn"/> was set.</summary>
    public DateTimeOffset? FirstReset { get; private set; }

    /// <summary>Every request: method, path with query, the token it carried (or null), and the status answered.</summary>
    public ConcurrentQueue<(string Path, string? Token, int Status)> Requests { get; } = new();

    public FakeRepository Add(string fullName)
    {
        var repository = new FakeRepository(fullName);
        repositories[fullName] = repository;
        return repository;
    }

    /// <summary>The repository is now known by <paramref name="newName"/>; the old name answers 301.</summary>
    public void Rename(string oldName, string newName)
    {
        var repository = repositories[oldName];
        repositories.TryRemove(oldName, out _);
        repository.FullName = newName;
        repositories[newName] = repository;
        renamed[oldName] = newName;
    }

    /// <summary>Sets a token's (or anonymous, null) remaining calls of a resource.</summary>
    public void Spend(string? token, string resource, int remaining) =>
        used[(token ?? "", resource)] = (resource == "search" ? SearchLimit : CoreLimit) - remaining;

    public void Fail(int status, string? retryAfter = null, string message = "failure on purpose") => failures.Enqueue((status, retryAfter, message));

    public int Count(Func<(string Path, string? Token, int Status), bool> which) => Requests.Count(which);

    private void Answer(HttpListenerContext context)
    {
        var raw = context.Request.RawUrl ?? "/";
        var authorization = context.Request.Headers["Authorization"];
        var token = authorization is not null && authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : null;
        var response = context.Response;
        var status = 404;
        string body = """{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}""";
        string? link = null;
        try
        {
            if (context.Request.Headers["User-Agent"] is null)
                (status, body) = (403, """{"message":"Request forbidden by administrative rules. Please make sure your request has a User-Agent header"}""");
            else if (token is not null && !Tokens.Contains(token) || token is null && !AllowAnonymous)
                (status, body) = (401, """{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}""");
            else if (!raw.StartsWith(BasePath, StringComparison.Ordinal))
                status = 404;
            else
            {
                var relative = raw[BasePath.Length..];
                var resource = relative.StartsWith("search/", StringComparison.Ordinal) ? "search" : "core";
                var limit = resource == "search" ? SearchLimit : CoreLimit;
                var key = (token ?? "", resource);
                lock (gate)
                {
                    if (ResetIn is { } window)
                    {
                        FirstReset = ResetAt = DateTimeOffset.UtcNow + window;
                        ResetIn = null;
                    }
                    if (DateTimeOffset.UtcNow >= ResetAt)
                    {
                        used.Clear();
                        ResetAt = DateTimeOffset.UtcNow.AddHours(1);
                    }
                }
                var spent = used.GetValueOrDefault(key);
                if (spent >= limit)
                {
                    (status, body) = (403, """{"message":"API rate limit exceeded for user.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}""");
                    RateHeaders(response, limit, 0, resource);
                }
                else if (failures.TryDequeue(out var failure))
                {
                    (status, body) = (failure.Status, new JsonObject { ["message"] = failure.Message }.ToJsonString());
                    if (failure.RetryAfter is not null)
                        response.Headers["Retry-After"] = failure.RetryAfter;
                    RateHeaders(response, limit, limit - spent, resource);
                }
                else
                {
                    (status, body, link) = Route(relative, response);
                    var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body + link)))[..32] + "\"";
                    if (status == 200)
                        response.Headers["ETag"] = etag;
                    if (status == 200 && context.Request.Headers["If-None-Match"] == etag)
                    {
                        // GitHub does not count a 304 against the limit.
                        status = 304;
                        body = "";
                        RateHeaders(response, limit, limit - spent, resource);
                    }
                    else
                    {
                        var now = used.AddOrUpdate(key, 1, (_, n) => n + 1);
                        RateHeaders(response, limit, Math.Max(0, limit - now), resource);
                    }
                }
            }
            Requests.Enqueue((raw, token, status));
            response.StatusCode = status;
            if (link is not null && status == 200)
                response.Headers["Link"] = link;
            var bytes = Encoding.UTF8.GetBytes(body);
            if (status != 304)
            {
                response.ContentType = "application/json; charset=utf-8";
                response.ContentLength64 = bytes.Length;
                response.OutputStream.Write(bytes);
            }
            response.Close();
        }
        catch (Exception exception) when (exception is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away.
        }
    }

    private void RateHeaders(HttpListenerResponse response, int limit, int remaining, string resource)
    {
        response.Headers["X-RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Reset"] = ResetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Resource"] = resource;
    }

    private (int Status, string Body, string? Link) Route(string relative, HttpListenerResponse response)
    {
        var question = relative.IndexOf('?');
        var path = question < 0 ? relative : relative[..question];
        var query = HttpUtility.ParseQueryString(question < 0 ? "" : relative[(question + 1)..]);
        var segments = path.Split('/');
        const string notFound = """{"message":"Not Found"}""";

        if (segments is ["search", "issues"])
            return (200, Search(query["q"] ?? ""), null);
        FakeRepository? repository = null;
        string[] rest = [];
        if (segments is ["repositories", var id, ..])
        {
            repository = repositories.Values.FirstOrDefault(r => r.Id.ToString(CultureInfo.InvariantCulture) == id);
            rest = segments[2..];
        }
        else if (segments is ["repos", var owner, var name, ..])
        {
            var fullName = owner + "/" + name;
            if (renamed.TryGetValue(fullName, out _) && repositories.Values.FirstOrDefault(r => renamed[fullName] == r.FullName) is { } moved)
            {
                response.Headers["Location"] = $"{Origin}{BasePath}repositories/{moved.Id}" + (segments.Length > 3 ? "/" + string.Join('/', segments[3..]) : "") + (question < 0 ? "" : relative[question..]);
                return (301, new JsonObject { ["message"] = "Moved Permanently", ["url"] = response.Headers["Location"] }.ToJsonString(), null);
            }
            repository = repositories.GetValueOrDefault(fullName);
            rest = segments[3..];
        }
        if (repository is null)
            return (404, notFound, null);
        var pageSize = int.TryParse(query["per_page"], out var p) ? Math.Clamp(p, 1, 100) : 30;
        var page = int.TryParse(query["page"], out var n) ? Math.Max(1, n) : 1;
        switch (rest)
        {
            case []:
                return (200, Document(repository), null);
            case ["contributors"]:
                return Paged(repository, "contributors", repository.Contributors, pageSize, page, i => new JsonObject { ["login"] = $"user{i}", ["contributions"] = 100 - i % 100 });
            case ["pulls"]:
                return Paged(repository, "pulls", repository.OpenPulls, pageSize, page, i => new JsonObject { ["number"] = i + 1, ["state"] = "open" });
            case ["releases"]:
                return (200, new JsonArray([.. repository.Releases.OrderByDescending(r => r.Published).Take(pageSize).Select(r => (JsonNode)new JsonObject
                {
                    ["tag_name"] = r.Tag, ["name"] = "Release " + r.Tag, ["draft"] = r.Draft, ["prerelease"] = r.Prerelease,
                    ["published_at"] = r.Draft ? null : r.Published.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                })]).ToJsonString(), null);
            case ["stats", "commit_activity"]:
                lock (gate)
                {
                    if (repository.StatsPending > 0)
                    {
                        repository.StatsPending--;
                        return (202, "{}", null);
                    }
                }
                // Weeks start on a Sunday at midnight UTC, as GitHub's do, so the answer (and its ETag) is the same all week.
                var today = DateTimeOffset.UtcNow.UtcDateTime.Date;
                var start = new DateTimeOffset(today.AddDays(-(int)today.DayOfWeek - 7 * 51), TimeSpan.Zero).ToUnixTimeSeconds();
                return (200, new JsonArray([.. repository.WeeklyCommits.Select((total, i) => (JsonNode)new JsonObject
                {
                    ["days"] = new JsonArray(0, total, 0, 0, 0, 0, 0), ["total"] = total, ["week"] = start + i * 7 * 86400,
                })]).ToJsonString(), null);
            case ["community", "profile"]:
                return (200, new JsonObject
                {
                    ["health_percentage"] = repository.LicenseFile ? 71 : 42,
                    ["files"] = new JsonObject
                    {
                        ["license"] = repository.LicenseFile ? new JsonObject { ["spdx_id"] = repository.Spdx, ["key"] = repository.Spdx?.ToLowerInvariant() } : null,
                        ["readme"] = new JsonObject { ["url"] = "readme" },
                        ["contributing"] = null,
                        ["code_of_conduct"] = null,
                    },
                }.ToJsonString(), null);
            case ["contents", ..]:
                return string.Join('/', rest[1..]) == repository.SecurityPolicy
                    ? (200, new JsonObject { ["type"] = "file", ["path"] = repository.SecurityPolicy }.ToJsonString(), null)
                    : (404, notFound, null);
            default:
                return (404, notFound, null);
        }
    }

    private (int, string, string?) Paged(FakeRepository repository, string list, int count, int pageSize, int page, Func<int, JsonObject> item)
    {
        var pages = (count + pageSize - 1) / pageSize;
        var items = Enumerable.Range((page - 1) * pageSize, Math.Max(0, Math.Min(pageSize, count - (page - 1) * pageSize))).Select(i => (JsonNode)item(i));
        string? link = null;
        if (pages > 1)
        {
            var parts = new List<string>();
            string Url(int to) => $"<{Origin}{BasePath}repositories/{repository.Id}/{list}?per_page={pageSize}&page={to}>";
            if (page < pages)
                parts.Add($"{Url(page + 1)}; rel=\"next\"");
            parts.Add($"{Url(pages)}; rel=\"last\"");
            if (page > 1)
                parts.Add($"{Url(1)}; rel=\"first\"");
            link = string.Join(", ", parts);
        }
        return (200, new JsonArray([.. items]).ToJsonString(), link);
    }

    private static string Document(FakeRepository r) => new JsonObject
    {
        ["id"] = r.Id,
        ["full_name"] = r.FullName,
        ["name"] = r.FullName.Split('/')[1],
        ["html_url"] = "https://example.invalid/" + r.FullName,
        ["description"] = "a repository of the loopback server",
        ["homepage"] = r.Homepage,
        ["stargazers_count"] = r.Stars,
        ["watchers_count"] = r.Stars,
        ["subscribers_count"] = r.Subscribers,
        ["forks_count"] = r.Forks,
        ["open_issues_count"] = r.OpenIssues + r.OpenPulls,
        ["license"] = r.Spdx is null ? null : new JsonObject { ["key"] = r.Spdx.ToLowerInvariant(), ["spdx_id"] = r.Spdx },
        ["topics"] = new JsonArray([.. r.Topics.Select(t => (JsonNode)t)]),
        ["default_branch"] = "main",
        ["archived"] = r.Archived,
        ["disabled"] = false,
        ["fork"] = false,
        ["is_template"] = false,
        ["created_at"] = "2014-03-01T10:00:00Z",
        ["updated_at"] = "2026-11-30T08:00:00Z",
        ["pushed_at"] = "2026-11-29T08:00:00Z",
    }.ToJsonString();

    /// <summary><c>repo:o/r is:issue|pr created|closed:&gt;=YYYY-MM-DD</c>, the only qualifiers github_details uses.</summary>
    private string Search(string q)
    {
        var terms = q.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var repository = terms.FirstOrDefault(t => t.StartsWith("repo:", StringComparison.Ordinal)) is { } repo ? repositories.GetValueOrDefault(repo[5..]) : null;
        var pull = terms.Contains("is:pr");
        var field = terms.FirstOrDefault(t => t.StartsWith("created:>=", StringComparison.Ordinal) || t.StartsWith("closed:>=", StringComparison.Ordinal));
        var since = field is null ? DateTimeOffset.MinValue : DateTimeOffset.Parse(field[(field.IndexOf('=') + 1)..], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var total = repository?.Items.Count(i => i.Pull == pull && (field!.StartsWith("created", StringComparison.Ordinal) ? i.Created >= since : i.Closed >= since)) ?? 0;
        return new JsonObject { ["total_count"] = total, ["incomplete_results"] = false, ["items"] = new JsonArray() }.ToJsonString();
    }

    public void Dispose() => listener.Dispose();
}
