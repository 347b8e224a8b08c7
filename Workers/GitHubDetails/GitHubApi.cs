using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Cucos.Sdk;

namespace Cucos.Workers.GitHubDetails;

/// <summary>One GitHub answer: its status, its JSON (from the cache on a 304) and its <c>Link</c> header.</summary>
public sealed record GitHubResponse(HttpStatusCode Status, JsonElement Body, string? Link, Uri Url)
{
    public bool Ok => Status == HttpStatusCode.OK;
}

/// <summary>
/// GitHub's REST API as github_details uses it, one instance per attempt: every GET is conditional
/// (<c>If-None-Match</c> from <see cref="IHttpResponseCache"/>, a 304 answered from it), takes the token with the
/// most calls left, follows a repository's 301 on the same server, and turns GitHub's refusals into what the
/// analysis should do: a spent primary limit waits for <c>X-RateLimit-Reset</c> (plus jitter) on the analysis'
/// reminder, a secondary limit for <c>Retry-After</c>, a 401 fails naming the setting. No message holds a token.
/// </summary>
public sealed class GitHubApi(HttpClient client, GitHubSettings settings, GitHubTokenPool tokens, IHttpResponseCache cache, TimeProvider clock)
{
    private const int MaxRedirects = 5;
    private static readonly TimeSpan TransientRetry = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Requests sent in this attempt, and how many of them GitHub answered 304 Not Modified.</summary>
    public int Requests { get; private set; }
    public int NotModified { get; private set; }

    /// <summary>At most this much is added to a rate limit's reset, so that silos waiting on one limit do not all come back at once.</summary>
    public static TimeSpan MaxJitter { get; } = TimeSpan.FromSeconds(5);

    /// <summary>GET <paramref name="path"/> (relative to the API base, with its query). Statuses other than those handled here are the caller's.</summary>
    public async Task<GitHubResponse> GetAsync(string path, CancellationToken cancellationToken)
    {
        var url = new Uri(settings.ApiBaseUrl, path);
        var resource = path.StartsWith("search/", StringComparison.Ordinal) ? "search" : "core";
        for (var redirects = 0; ; redirects++)
        {
            var response = await SendAsync(url, resource, cancellationToken).ConfigureAwait(false);
            if (response.Status is not (HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect))
                return response;
            if (redirects == MaxRedirects)
                throw new FatalTaskException($"GitHub at {settings.ShownApi} redirected {Show(url)} more than {MaxRedirects} times, so it was given up.");
            // Only on the same server: the token must not travel to another host.
            var location = response.Url;
            if (!location.GetLeftPart(UriPartial.Authority).Equals(settings.ApiBaseUrl.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
                throw new FatalTaskException($"GitHub at {settings.ShownApi} redirected {Show(url)} to another server ({location.GetLeftPart(UriPartial.Authority)}), which is not followed: is {GitHubSettings.ApiBaseUrlKey} right?");
            url = location;
        }
    }

    private async Task<GitHubResponse> SendAsync(Uri url, string resource, CancellationToken cancellationToken)
    {
        var key = "github " + url.AbsoluteUri;
        var cached = await cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
        for (var tries = 0; ; tries++)
        {
            var token = tokens.Take(resource, out var earliestReset)
                ?? throw PrimaryLimit(resource, earliestReset);
            if (tries > tokens.Count)
                throw PrimaryLimit(resource, clock.GetUtcNow() + TransientRetry); // a limit said spent whose reset has passed: the server's clock is off
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
            request.Headers.TryAddWithoutValidation("X-GitHub-Api-Version", "2022-11-28");
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("cucos-orleans", "1.0"));
            if (token.Token is not null)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
            if (cached is not null)
                request.Headers.TryAddWithoutValidation("If-None-Match", cached.ETag);

            HttpResponseMessage response;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(RequestTimeout);
            try
            {
                Requests++;
                response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is HttpRequestException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw new RetryTaskException(TransientRetry, $"could not reach GitHub at {settings.ShownApi} for {Show(url)}: {(exception is OperationCanceledException ? $"no answer within {RequestTimeout.TotalSeconds:0} s" : exception.Message)}; trying again later.");
            }
            using (response)
            {
                var limit = Observe(token.Index, resource, response);
                var status = response.StatusCode;
                if (status == HttpStatusCode.NotModified && cached is not null)
                {
                    NotModified++;
                    return new GitHubResponse(HttpStatusCode.OK, Parse(cached.Body, url), cached.Link, url);
                }
                if (status is HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests)
                {
                    if (limit is { Remaining: 0 })
                        continue; // that token is spent: the pool offers another, or none and the attempt waits for the reset
                    if (response.Headers.RetryAfter is { } after)
                    {
                        var wait = after.Delta ?? (after.Date is { } date ? date - clock.GetUtcNow() : TransientRetry);
                        throw new RetryTaskException(wait, $"GitHub at {settings.ShownApi} asked to slow down (a secondary rate limit, Retry-After {wait.TotalSeconds:0} s); trying again then.");
                    }
                    if (status == HttpStatusCode.TooManyRequests || (await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)).Contains("secondary rate limit", StringComparison.OrdinalIgnoreCase))
                        throw new RetryTaskException(TransientRetry, $"GitHub at {settings.ShownApi} asked to slow down (a secondary rate limit without Retry-After); trying again in a minute.");
                }
                if (status == HttpStatusCode.Unauthorized)
                    throw new FatalTaskException(token.Index < 0
                        ? $"GitHub at {settings.ShownApi} refused an anonymous request (401): set {GitHubSettings.TokensKey} to a token it accepts."
                        : $"GitHub at {settings.ShownApi} refused token number {token.Index + 1} of {GitHubSettings.TokensKey} (401 Bad credentials): replace or remove that token.");
                if ((int)status >= 500)
                    throw new RetryTaskException(TransientRetry, $"GitHub at {settings.ShownApi} answered {(int)status} {response.ReasonPhrase} for {Show(url)}; trying again later.");
                if ((int)status is >= 300 and < 400)
                {
                    var location = response.Headers.Location;
                    if (location is null)
                        throw new FatalTaskException($"GitHub at {settings.ShownApi} answered {(int)status} for {Show(url)} without a Location.");
                    return new GitHubResponse(status, default, null, location.IsAbsoluteUri ? location : new Uri(url, location));
                }
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var link = response.Headers.TryGetValues("Link", out var links) ? string.Join(", ", links) : null;
                if (status == HttpStatusCode.OK && response.Headers.ETag is { } etag)
                    await cache.SetAsync(key, new CachedHttpResponse(etag.ToString(), body, link), cancellationToken).ConfigureAwait(false);
                return new GitHubResponse(status, status == HttpStatusCode.OK || status == HttpStatusCode.Accepted ? Parse(body, url) : default, link, url);
            }
        }
    }

    private (int Remaining, DateTimeOffset Reset)? Observe(int token, string resource, HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("X-RateLimit-Remaining", out var remainingValues)
            || !int.TryParse(remainingValues.First(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var remaining))
            return null;
        var reset = response.Headers.TryGetValues("X-RateLimit-Reset", out var resetValues)
                    && long.TryParse(resetValues.First(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            // The header names the reset's second, truncated: the window may reopen anywhere within it, so the
            // first moment that is surely past it is the end of that second. (A retry at the named second itself
            // was answered 403 again and then waited TransientRetry for a limit that reset a moment later.)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds + 1)
            : clock.GetUtcNow() + TransientRetry;
        if (response.Headers.TryGetValues("X-RateLimit-Resource", out var resources) && resources.First() is { Length: > 0 } named)
            resource = named;
        tokens.Observe(token, resource, remaining, reset);
        return (remaining, reset);
    }

    private RetryTaskException PrimaryLimit(string resource, DateTimeOffset reset)
    {
        var now = clock.GetUtcNow();
        var wait = (reset > now ? reset - now : TimeSpan.Zero) + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * MaxJitter.TotalMilliseconds);
        var who = tokens.Count == 0 ? "anonymous requests" : tokens.Count == 1 ? "the token" : $"all {tokens.Count} tokens";
        return new RetryTaskException(wait,
            $"GitHub's primary rate limit ({resource}) at {settings.ShownApi} is spent for {who} until {reset.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}; the analysis waits for the reset (more tokens in {GitHubSettings.TokensKey} raise the limit).");
    }

    private JsonElement Parse(string body, Uri url)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new FatalTaskException($"GitHub at {settings.ShownApi} did not answer {Show(url)} with JSON ({exception.Message}): is {GitHubSettings.ApiBaseUrlKey} a GitHub REST API?");
        }
    }

    private static string Show(Uri url) => url.GetLeftPart(UriPartial.Path);

    /// <summary>The number of the last page in a <c>Link</c> header (<c>rel="last"</c>), or null when it has none.</summary>
    public static int? LastPage(string? link)
    {
        if (link is null)
            return null;
        foreach (var part in link.Split(','))
        {
            var pieces = part.Split(';', StringSplitOptions.TrimEntries);
            if (pieces.Length < 2 || !pieces.Skip(1).Any(p => p.Replace(" ", "", StringComparison.Ordinal) == "rel=\"last\""))
                continue;
            var target = pieces[0].Trim('<', '>');
            if (!Uri.TryCreate(target, UriKind.Absolute, out var uri))
                continue;
            foreach (var pair in uri.Query.TrimStart('?').Split('&'))
                if (pair.StartsWith("page=", StringComparison.Ordinal) && int.TryParse(pair[5..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var page))
                    return page;
        }
        return null;
    }
}
