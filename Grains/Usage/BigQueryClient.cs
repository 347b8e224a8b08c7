using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cucos.Usage;

namespace Cucos.Grains.Usage;

/// <summary>One page of a query's result as <c>jobs.query</c> or <c>jobs.getQueryResults</c> answered it.</summary>
public sealed record BigQueryPage(bool JobComplete, string? JobId, string? Location, string? PageToken, IReadOnlyList<UsageCount> Rows, int SkippedRows);

/// <summary>
/// The BigQuery REST API (v2) as the usage refresh needs it: <c>POST projects/{p}/queries</c> (jobs.query) and
/// <c>GET projects/{p}/queries/{job}</c> (jobs.getQueryResults) with <c>pageToken</c>, authenticated with a service
/// account's OAuth2 access token (a signed JWT exchanged at the token endpoint, RFC 7523), fetched again when it
/// expires or BigQuery answers 401. Plain <see cref="HttpClient"/>: the Google client libraries would pin the hosts.
/// </summary>
public sealed class BigQueryClient : IDisposable
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);
    // A token is renewed this long before the endpoint said it expires, so a request never carries one that lapses in flight.
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(60);

    private readonly HttpClient http;
    private readonly UsageSettings settings;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim tokenLock = new(1, 1);
    private ServiceAccountKey? key;
    private string? accessToken;
    private DateTimeOffset tokenExpires;

    public BigQueryClient(UsageSettings settings, HttpClient? http = null, TimeProvider? time = null)
    {
        this.settings = settings;
        this.http = http ?? new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        this.time = time ?? TimeProvider.System;
    }

    /// <summary>Token requests made: each is one JWT exchange.</summary>
    public int TokensFetched { get; private set; }

    private ServiceAccountKey Key => key ??= ServiceAccountKey.Load(settings);

    public string ProjectId => settings.ProjectId ?? Key.ProjectId
        ?? throw new UsageConfigurationException($"{UsageSettings.ProjectIdKey} is not set and the service-account key names no project_id: set it to the Google Cloud project the queries run (and are billed) in.");

    /// <summary>jobs.query: starts the query and returns its first page, or <c>JobComplete = false</c> with the job to poll.</summary>
    public Task<BigQueryPage> QueryAsync(string sql, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["query"] = sql,
            ["useLegacySql"] = false,
            ["maxResults"] = settings.PageSize,
            ["timeoutMs"] = 10_000,
        };
        return SendAsync(() => new HttpRequestMessage(HttpMethod.Post, new Uri(settings.BaseUrl, $"projects/{Uri.EscapeDataString(ProjectId)}/queries"))
        {
            Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        }, "jobs.query", cancellationToken);
    }

    /// <summary>jobs.getQueryResults: the page at <paramref name="pageToken"/> (the first when null), or <c>JobComplete = false</c>.</summary>
    public Task<BigQueryPage> GetQueryResultsAsync(string jobId, string? location, string? pageToken, CancellationToken cancellationToken)
    {
        var query = $"maxResults={settings.PageSize}&timeoutMs=10000";
        if (location is not null)
            query += "&location=" + Uri.EscapeDataString(location);
        if (pageToken is not null)
            query += "&pageToken=" + Uri.EscapeDataString(pageToken);
        var url = new Uri(settings.BaseUrl, $"projects/{Uri.EscapeDataString(ProjectId)}/queries/{Uri.EscapeDataString(jobId)}?{query}");
        return SendAsync(() => new HttpRequestMessage(HttpMethod.Get, url), "jobs.getQueryResults", cancellationToken);
    }

    private async Task<BigQueryPage> SendAsync(Func<HttpRequestMessage> create, string call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var token = await TokenAsync(renew: attempt > 1, cancellationToken).ConfigureAwait(false);
            using var request = create();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException exception)
            {
                throw new BigQueryException($"BigQuery {call} at {settings.BaseUrl} could not be reached ({exception.HttpRequestError}): it is tried again later.", retryLater: true);
            }
            using (response)
            {
                var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                // An expired or revoked token: fetch a new one once before giving up.
                if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 1)
                    continue;
                if (!response.IsSuccessStatusCode)
                    throw Failure(call, response.StatusCode, bytes);
                // Parsing a page of 10,000 rows is CPU work: off the caller's (a grain's) scheduler.
                return await Task.Run(() => ParsePage(bytes, call), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static BigQueryException Failure(string call, HttpStatusCode status, byte[] body)
    {
        string? reason = null, message = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                if (error.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0
                    && errors[0].TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String)
                    reason = r.GetString();
            }
        }
        catch (JsonException)
        {
            // Not BigQuery's error document (a proxy's page): the status says enough.
        }
        var detail = $"BigQuery {call} answered {(int)status}{(reason is null ? "" : " " + reason)}{(message is null ? "" : ": " + Shorten(message))}";
        var quota = reason is "quotaExceeded" or "rateLimitExceeded" or "backendError" or "internalError" || status == HttpStatusCode.TooManyRequests || (int)status >= 500;
        if (quota)
            return new BigQueryException(detail + ". The refresh is tried again later from where it stopped.", retryLater: true);
        return status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? new BigQueryException(detail + $". Check that the service account of {UsageSettings.KeyFileKey} may run queries in the project {UsageSettings.ProjectIdKey} names (role BigQuery Job User) and read the queried datasets.", retryLater: false)
            : new BigQueryException(detail + $". Check the query of {UsageSettings.QueriesKey} and {UsageSettings.BaseUrlKey}.", retryLater: false);
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";

    internal static BigQueryPage ParsePage(byte[] bytes, string call)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            var complete = root.TryGetProperty("jobComplete", out var done) && done.ValueKind == JsonValueKind.True;
            string? jobId = null, location = null;
            if (root.TryGetProperty("jobReference", out var reference) && reference.ValueKind == JsonValueKind.Object)
            {
                jobId = reference.TryGetProperty("jobId", out var id) ? id.GetString() : null;
                location = reference.TryGetProperty("location", out var where) && where.ValueKind == JsonValueKind.String ? where.GetString() : null;
            }
            var pageToken = root.TryGetProperty("pageToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
            var (nameColumn, countColumn) = Columns(root);
            var rows = new List<UsageCount>();
            var skipped = 0;
            if (complete && root.TryGetProperty("rows", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var row in list.EnumerateArray())
                {
                    if (!row.TryGetProperty("f", out var cells) || cells.ValueKind != JsonValueKind.Array || cells.GetArrayLength() <= Math.Max(nameColumn, countColumn))
                    {
                        skipped++;
                        continue;
                    }
                    var name = cells[nameColumn].TryGetProperty("v", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                    var countCell = cells[countColumn].TryGetProperty("v", out var c) ? c : default;
                    // INT64 travels as a JSON string in BigQuery's REST answers.
                    long? count = countCell.ValueKind switch
                    {
                        JsonValueKind.String when long.TryParse(countCell.GetString(), out var parsed) => parsed,
                        JsonValueKind.Number when countCell.TryGetInt64(out var number) => number,
                        _ => null,
                    };
                    if (string.IsNullOrWhiteSpace(name) || count is null or < 0)
                    {
                        skipped++;
                        continue;
                    }
                    rows.Add(new UsageCount(name, count.Value));
                }
            }
            return new BigQueryPage(complete, jobId, location, complete ? pageToken : null, rows, skipped);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            throw new BigQueryException($"BigQuery {call} answered a document that is not a query result ({exception.GetType().Name}): check {UsageSettings.BaseUrlKey}.", retryLater: true);
        }
    }

    /// <summary>The columns named package and repositories when the schema has them, the first two otherwise.</summary>
    private static (int Name, int Count) Columns(JsonElement root)
    {
        if (!root.TryGetProperty("schema", out var schema) || !schema.TryGetProperty("fields", out var fields) || fields.ValueKind != JsonValueKind.Array)
            return (0, 1);
        var names = fields.EnumerateArray().Select(f => f.TryGetProperty("name", out var n) ? n.GetString()?.ToLowerInvariant() : null).ToList();
        var name = names.IndexOf("package");
        var count = names.IndexOf("repositories");
        return (name >= 0 ? name : 0, count >= 0 ? count : 1);
    }

    private async Task<string> TokenAsync(bool renew, CancellationToken cancellationToken)
    {
        await tokenLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            if (!renew && accessToken is not null && now < tokenExpires - ExpiryMargin)
                return accessToken;
            var endpoint = settings.TokenUrl ?? Key.TokenUri ?? UsageSettings.DefaultTokenUrl;
            var assertion = Key.SignAssertion(endpoint, settings.Scope, now, TokenLifetime);
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
                ["assertion"] = assertion,
            });
            HttpResponseMessage response;
            try
            {
                response = await http.PostAsync(endpoint, form, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException exception)
            {
                throw new BigQueryException($"the token endpoint {endpoint.GetLeftPart(UriPartial.Path)} could not be reached ({exception.HttpRequestError}): it is tried again later.", retryLater: true);
            }
            using (response)
            {
                TokensFetched++;
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                string? error = null, description = null, token = null;
                long? expiresIn = null;
                try
                {
                    using var document = JsonDocument.Parse(body);
                    var root = document.RootElement;
                    error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                    description = root.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                    token = root.TryGetProperty("access_token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                    expiresIn = root.TryGetProperty("expires_in", out var x) && x.TryGetInt64(out var seconds) ? seconds : null;
                }
                catch (JsonException)
                {
                    // Reported below by the status.
                }
                if (!response.IsSuccessStatusCode || token is null)
                {
                    var retry = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
                    throw new BigQueryException(
                        $"the token endpoint {endpoint.GetLeftPart(UriPartial.Path)} refused the service account {Key.ClientEmail} ({(int)response.StatusCode}{(error is null ? "" : " " + error)}{(description is null ? "" : ": " + Shorten(description))})"
                        + (retry ? ": it is tried again later." : $": check the key of {UsageSettings.KeyFileKey} (not revoked, of this account) and {UsageSettings.TokenUrlKey}."),
                        retry);
                }
                accessToken = token;
                tokenExpires = now + TimeSpan.FromSeconds(expiresIn ?? 3600);
                return token;
            }
        }
        finally
        {
            tokenLock.Release();
        }
    }

    public void Dispose()
    {
        key?.Dispose();
        tokenLock.Dispose();
    }
}
