using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cucos.Messages;
using Cucos.State;

namespace Cucos.Client.Http;

/// <summary>
/// <see cref="ICucosClient"/> over a silo's HTTP API (<c>/api/v1</c>), for callers that reach the cluster's web port
/// but not its Orleans gateway. Only registry packages can be analysed: the silo cannot see this machine's files.
/// </summary>
public sealed class CucosHttpClient(HttpClient http) : ICucosClient
{
    /// <summary>How long one long poll waits for news; the API accepts at most 20 s.</summary>
    private const int PollSeconds = 15;
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(500);
    /// <summary>As <see cref="CucosClient"/>: how long failures may go on while waiting before the last one is thrown.</summary>
    private static readonly TimeSpan OutagePatience = TimeSpan.FromMinutes(2);

    /// <summary>An HttpClient for <paramref name="baseAddress"/>, with a timeout that outlasts a long poll.</summary>
    public static HttpClient CreateHttpClient(Uri baseAddress) => new()
    {
        BaseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/"),
        Timeout = TimeSpan.FromSeconds(PollSeconds + 45),
    };

    public async Task<AnalysisTicket> StartAnalysisAsync(AnalysisRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.SourcePath is not null || request.Ecosystem == AnalysisRequest.LocalEcosystem)
            throw new ArgumentException(
                "a local directory or archive cannot be analysed through the HTTP API: the silo cannot see this machine's files. Give a registry package (ECOSYSTEM:NAME@VERSION).",
                nameof(request));
        if (request.Validate() is { Count: > 0 } problems)
            throw new ArgumentException("the analysis request is not valid: " + string.Join(" ", problems), nameof(request));
        var body = new StartAnalysisBody
        {
            Ecosystem = request.Ecosystem,
            Name = request.Name,
            Version = request.Version,
            Force = request.Force,
            Tasks = request.Tasks,
            Parameters = request.Parameters,
        };
        using var response = await http.PostAsJsonAsync("api/v1/analyses", body, CucosApiJson.Options, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.BadRequest)
            throw new ArgumentException(await ProblemAsync(response, cancellationToken).ConfigureAwait(false));
        return await ReadAsync<AnalysisTicket>(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AnalysisSnapshot?> GetAnalysisAsync(string analysisId, CancellationToken cancellationToken = default)
    {
        CheckId(analysisId);
        using var response = await http.GetAsync($"api/v1/analyses/{Uri.EscapeDataString(analysisId)}", cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<AnalysisSnapshot>(response, cancellationToken).ConfigureAwait(false);
    }

    public Task<AnalysisSnapshot> WaitForCompletionAsync(string analysisId, CancellationToken cancellationToken = default) =>
        WaitForCompletionAsync(analysisId, progress: null, cancellationToken);

    public async Task<AnalysisSnapshot> WaitForCompletionAsync(
        string analysisId, IProgress<AnalysisSnapshot>? progress, CancellationToken cancellationToken = default)
    {
        CheckId(analysisId);
        var revision = -1L;
        DateTime? failingSince = null;
        while (true)
        {
            AnalysisSnapshot snapshot;
            try
            {
                var query = string.Create(CultureInfo.InvariantCulture, $"after_revision={revision}&wait_seconds={PollSeconds}");
                using var response = await http.GetAsync($"api/v1/analyses/{Uri.EscapeDataString(analysisId)}?{query}", cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.NotFound)
                    throw new AnalysisNotFoundException(analysisId);
                snapshot = await ReadAsync<AnalysisSnapshot>(response, cancellationToken).ConfigureAwait(false);
                failingSince = null;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested && IsTransient(exception)
                && DateTime.UtcNow - (failingSince ??= DateTime.UtcNow) < OutagePatience)
            {
                // The silo behind the API is busy replacing a dead one, or restarting: the analysis lives on in storage.
                await Task.Delay(RetryPause, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (snapshot.Revision != revision)
                progress?.Report(snapshot);
            if (snapshot.IsFinished)
                return snapshot;
            revision = snapshot.Revision;
        }
    }

    public async Task<JsonElement?> GetResultAsync(string analysisId, string taskName, CancellationToken cancellationToken = default)
    {
        CheckId(analysisId);
        if (string.IsNullOrWhiteSpace(taskName))
            throw new ArgumentException("the task name is empty: give one such as 'digests'.", nameof(taskName));
        using var response = await http.GetAsync(
            $"api/v1/analyses/{Uri.EscapeDataString(analysisId)}/results/{Uri.EscapeDataString(taskName)}", cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<JsonElement>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every analysis of one package version, oldest first.</summary>
    public async Task<PackageAnalyses> ListAnalysesAsync(string ecosystem, string name, string version, CancellationToken cancellationToken = default)
    {
        var query = $"ecosystem={Uri.EscapeDataString(ecosystem)}&name={Uri.EscapeDataString(name)}&version={Uri.EscapeDataString(version)}";
        using var response = await http.GetAsync($"api/v1/analyses?{query}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.BadRequest)
            throw new ArgumentException(await ProblemAsync(response, cancellationToken).ConfigureAwait(false));
        return await ReadAsync<PackageAnalyses>(response, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsTransient(Exception exception) => exception switch
    {
        CucosApiException api => api.IsTransient,
        HttpRequestException => true,
        // HttpClient's own timeout surfaces as a cancellation that the caller did not ask for.
        TaskCanceledException => true,
        _ => false,
    };

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
            throw new CucosApiException(response.StatusCode, await ProblemAsync(response, cancellationToken).ConfigureAwait(false));
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(CucosApiJson.Options, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException("the body is empty");
        }
        catch (JsonException exception)
        {
            throw new CucosApiException(response.StatusCode,
                $"{http.BaseAddress} answered {Request(response)} with a body that is not the Cucos API's ({exception.Message}). Is it a Cucos silo's HTTP address?");
        }
    }

    /// <summary>The problem's <c>detail</c> when the answer is a problem document, else a sentence naming the status.</summary>
    private async Task<string> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        if (response.Content.Headers.ContentType?.MediaType == CucosApiJson.ProblemMediaType)
        {
            try
            {
                using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
                if (problem.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
                    return detail.GetString()!;
            }
            catch (JsonException)
            {
            }
        }
        return response.StatusCode == HttpStatusCode.NotFound
            ? $"{http.BaseAddress} answered {Request(response)} with {status}: is it a Cucos silo's HTTP address (its Cucos:HttpPort)?"
            : $"{http.BaseAddress} answered {Request(response)} with {status}.";
    }

    private static string Request(HttpResponseMessage response) =>
        $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}";

    private static void CheckId(string analysisId)
    {
        if (string.IsNullOrWhiteSpace(analysisId))
            throw new ArgumentException("the analysis id is empty: give the id that StartAnalysisAsync returned.", nameof(analysisId));
    }
}
