using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cucos.Sdk;
using Cucos.Workers.Registries;

namespace Cucos.Workers.SecurityIssues;

/// <summary>A package version to ask an OSV API about.</summary>
public sealed record OsvQuery(string Ecosystem, string Name, string Version);

/// <summary>
/// An OSV-compatible HTTP API: <c>POST /v1/querybatch</c> (ids and <c>modified</c> of the records affecting each
/// version, paged with <c>next_page_token</c>), then <c>GET /v1/vulns/{id}</c> for each record not already held with
/// that <c>modified</c>. Rate limits (429) and server errors (5xx) ask for a later attempt, after the server's
/// <c>Retry-After</c> when it gives one. The registries' status mapping (RegistryHttp) makes a 5xx a failure the
/// task's retry policy counts; here the server's own delay is what to wait, so the mapping is this class's.
/// </summary>
public sealed class OsvApi(HttpClient client, Uri baseUrl)
{
    private static readonly TimeSpan DefaultRetry = TimeSpan.FromMinutes(1);
    private const int MaxPages = 100;
    private readonly ConcurrentDictionary<string, OsvRecord> records = new(StringComparer.Ordinal);

    public Uri BaseUrl { get; } = baseUrl;

    /// <summary>Records fetched with GET (the others came from the cache): for the tests and the result.</summary>
    public int Fetched => fetched;
    private int fetched;

    /// <summary>The records the API names for each query, in query order; records that break the schema are skipped into <paramref name="skipped"/>.</summary>
    public async Task<IReadOnlyList<IReadOnlyList<OsvRecord>>> QueryAsync(IReadOnlyList<OsvQuery> queries, SkippedRecords skipped, CancellationToken cancellationToken)
    {
        var hits = queries.Select(_ => new List<(string Id, string? Modified)>()).ToArray();
        var pending = Enumerable.Range(0, queries.Count).Select(i => (Index: i, Token: (string?)null)).ToList();
        for (var page = 0; pending.Count > 0; page++)
        {
            if (page == MaxPages)
                throw new FatalTaskException($"{RegistryHttp.Show(BaseUrl)} kept answering with a next_page_token after {MaxPages} pages: is it an OSV API?");
            var body = new JsonObject
            {
                ["queries"] = new JsonArray([.. pending.Select(p => (JsonNode)Query(queries[p.Index], p.Token))]),
            };
            using var document = await SendAsync(HttpMethod.Post, new Uri(BaseUrl, "v1/querybatch"), body, cancellationToken).ConfigureAwait(false);
            var results = document.RootElement.TryGetProperty("results", out var r) && r.ValueKind == JsonValueKind.Array ? r : default;
            if (results.ValueKind != JsonValueKind.Array || results.GetArrayLength() != pending.Count)
                throw new FatalTaskException($"{RegistryHttp.Show(BaseUrl)}v1/querybatch answered without one result per query: is it an OSV API?");
            var next = new List<(int, string?)>();
            for (var i = 0; i < pending.Count; i++)
            {
                var result = results[i];
                if (result.TryGetProperty("vulns", out var vulns) && vulns.ValueKind == JsonValueKind.Array)
                    foreach (var vuln in vulns.EnumerateArray())
                        if (vuln.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                            hits[pending[i].Index].Add((id.GetString()!, vuln.TryGetProperty("modified", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null));
                if (result.TryGetProperty("next_page_token", out var token) && token.ValueKind == JsonValueKind.String && token.GetString() is { Length: > 0 } t)
                    next.Add((pending[i].Index, t));
            }
            pending = next;
        }

        var answers = new List<IReadOnlyList<OsvRecord>>(queries.Count);
        foreach (var list in hits)
        {
            var found = new List<OsvRecord>();
            foreach (var (id, modified) in list.DistinctBy(h => h.Id))
                if (await RecordAsync(id, modified, skipped, cancellationToken).ConfigureAwait(false) is { } record)
                    found.Add(record);
            answers.Add(found);
        }
        return answers;
    }

    private static JsonObject Query(OsvQuery query, string? pageToken)
    {
        var node = new JsonObject
        {
            ["package"] = new JsonObject { ["ecosystem"] = query.Ecosystem, ["name"] = query.Name },
            ["version"] = query.Version,
        };
        if (pageToken is not null)
            node["page_token"] = pageToken;
        return node;
    }

    private async Task<OsvRecord?> RecordAsync(string id, string? modified, SkippedRecords skipped, CancellationToken cancellationToken)
    {
        if (records.TryGetValue(id, out var cached) && modified is not null
            && DateTimeOffset.TryParse(modified, System.Globalization.CultureInfo.InvariantCulture, out var when) && when == cached.Modified)
            return cached;
        using var document = await SendAsync(HttpMethod.Get, new Uri(BaseUrl, "v1/vulns/" + Uri.EscapeDataString(id)), null, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref fetched);
        var record = OsvRecords.Parse(JsonSerializer.SerializeToUtf8Bytes(document.RootElement), out var problem);
        if (record is null)
        {
            skipped.Add($"{RegistryHttp.Show(BaseUrl)}v1/vulns/{id}: {problem}");
            return null;
        }
        records[id] = record;
        return record;
    }

    private async Task<JsonDocument> SendAsync(HttpMethod method, Uri url, JsonNode? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new RetryTaskException(DefaultRetry, $"could not reach the OSV API at {RegistryHttp.Show(url)}: {exception.Message}");
        }
        using (response)
        {
            var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
            if (response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
            {
                var retry = response.Headers.RetryAfter is { } after
                    ? after.Delta ?? (after.Date is { } date ? date - DateTimeOffset.UtcNow : DefaultRetry)
                    : DefaultRetry;
                throw new RetryTaskException(retry, $"the OSV API at {RegistryHttp.Show(url)} answered {status}; trying again later.");
            }
            if (!response.IsSuccessStatusCode)
                throw new FatalTaskException($"the OSV API at {RegistryHttp.Show(url)} answered {status}: is {AdvisorySettings.ApiUrlKey} the base URL of an OSV API?");
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException exception)
            {
                throw new FatalTaskException($"the OSV API at {RegistryHttp.Show(url)} did not answer with JSON ({exception.Message}): is {AdvisorySettings.ApiUrlKey} right?", exception);
            }
        }
    }
}
