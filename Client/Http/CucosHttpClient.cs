using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cucos.Messages;
using Cucos.Reports.Diff;
using Cucos.Reports.Sbom;
using Cucos.State;

namespace Cucos.Client.Http;

/// <summary>
/// <see cref="ICucosClient"/> over a silo's HTTP API (<c>/api/v1</c>), for callers that reach the cluster's web port
/// but not its Orleans gateway. Only registry packages can be analysed: the silo cannot see this machine's files.
/// </summary>
public sealed class CucosHttpClient(HttpClient http) : CucosClientBase
{
    /// <summary>The header an API key travels in.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>
    /// An HttpClient for <paramref name="baseAddress"/>, with a timeout that outlasts a long poll, sending
    /// <paramref name="apiKey"/> (when given) with every request.
    /// </summary>
    public static HttpClient CreateHttpClient(Uri baseAddress, string? apiKey = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var http = new HttpClient
        {
            BaseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/"),
            Timeout = TimeSpan.FromSeconds(MaxWaitSeconds + 45),
        };
        if (!string.IsNullOrWhiteSpace(apiKey))
            http.DefaultRequestHeaders.Add(ApiKeyHeader, apiKey.Trim());
        return http;
    }

    /// <summary>An HttpClient for <paramref name="baseAddress"/> with the API key of <paramref name="options"/>.</summary>
    public static HttpClient CreateHttpClient(Uri baseAddress, CucosClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CreateHttpClient(baseAddress, options.ApiKey);
    }

    /// <summary>The longest <c>wait_seconds</c> the API accepts.</summary>
    private const int MaxWaitSeconds = 20;

    public override async Task<AnalysisTicket> StartAnalysisAsync(AnalysisRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Not a mistake in the request but in the door: the silos cannot read this machine's files.
        if (request.SourcePath is not null || request.Ecosystem == AnalysisRequest.LocalEcosystem)
            throw new InvalidAnalysisRequestException(RequestFields.SourcePath,
                "a local directory or archive cannot be analysed through the HTTP API: the silo cannot see this machine's files. Give a registry package (ECOSYSTEM:NAME@VERSION).");
        var body = new StartAnalysisBody
        {
            Ecosystem = request.Ecosystem,
            Name = request.Name,
            Version = request.Version,
            Force = request.Force,
            Tasks = request.Tasks,
            Parameters = request.Parameters,
            WebhookUrl = request.WebhookUrl,
        };
        using var response = await http.PostAsJsonAsync("api/v1/analyses", body, CucosApiJson.Options, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.BadRequest)
            throw await InvalidRequestAsync(response, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<AnalysisTicket>(response, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<AnalysisSnapshot?> GetAnalysisAsync(string analysisId, CancellationToken cancellationToken = default)
    {
        CheckId(analysisId);
        using var response = await http.GetAsync($"api/v1/analyses/{Uri.EscapeDataString(analysisId)}", cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<AnalysisSnapshot>(response, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<AnalysisSnapshot?> WaitForChangeAsync(string analysisId, long afterRevision, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        CheckId(analysisId);
        var seconds = (int)Math.Clamp(Math.Ceiling(wait.TotalSeconds), 0, MaxWaitSeconds);
        var query = string.Create(CultureInfo.InvariantCulture, $"after_revision={Math.Max(afterRevision, -1)}&wait_seconds={seconds}");
        using var response = await http.GetAsync($"api/v1/analyses/{Uri.EscapeDataString(analysisId)}?{query}", cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<AnalysisSnapshot>(response, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<AnalysisSnapshot?> CancelAnalysisAsync(string analysisId, CancellationToken cancellationToken = default)
    {
        CheckId(analysisId);
        using var response = await http.PostAsync($"api/v1/analyses/{Uri.EscapeDataString(analysisId)}/cancel", content: null, cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound => null,
            // Finished before the cancel: nothing to cancel, the analysis as it ended.
            HttpStatusCode.Conflict => await GetAnalysisAsync(analysisId, cancellationToken).ConfigureAwait(false),
            _ => await ReadAsync<AnalysisSnapshot>(response, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>
    /// POST .../tasks/{task}/rerun; the silo records the API key's or token's name as who asked. A 404 for the analysis is
    /// <see cref="AnalysisNotFoundException"/>; the refusals (404 unknown task, 409, 400) come back as the cluster's own
    /// <see cref="TaskRerunRefusedException"/> with the silo's sentence.
    /// </summary>
    public override async Task<TaskRerunResult> RerunTaskAsync(string analysisId, string taskName, string? reason = null, CancellationToken cancellationToken = default)
    {
        CheckId(analysisId);
        CheckTaskName(taskName);
        var path = $"api/v1/analyses/{Uri.EscapeDataString(analysisId)}/tasks/{Uri.EscapeDataString(taskName)}/rerun";
        using var response = await http.PostAsJsonAsync(path, new RerunTaskBody { Reason = reason }, CucosApiJson.Options, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict or HttpStatusCode.BadRequest
            && response.Content.Headers.ContentType?.MediaType == CucosApiJson.ProblemMediaType)
        {
            var refusal = await RerunRefusalAsync(response, cancellationToken).ConfigureAwait(false);
            if (refusal == TaskRerunRefusal.AnalysisNotFound)
                throw new AnalysisNotFoundException(analysisId);
            if (refusal is { } known)
                throw new TaskRerunRefusedException(known, await ProblemAsync(response, cancellationToken).ConfigureAwait(false));
        }
        return await ReadAsync<TaskRerunResult>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The problem document's <c>refusal</c> (snake_case, as the silo writes it); null when it has none.</summary>
    private static async Task<TaskRerunRefusal?> RerunRefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            if (problem.RootElement.TryGetProperty(RerunTaskBody.RefusalField, out var refusal) && refusal.ValueKind == JsonValueKind.String)
                return RerunTaskBody.ParseRefusal(refusal.GetString()!);
        }
        catch (JsonException)
        {
        }
        return null;
    }

    public override async Task<JsonElement?> GetResultAsync(string analysisId, string taskName, CancellationToken cancellationToken = default)
    {
        CheckId(analysisId);
        CheckTaskName(taskName);
        using var response = await http.GetAsync(
            $"api/v1/analyses/{Uri.EscapeDataString(analysisId)}/results/{Uri.EscapeDataString(taskName)}", cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync<JsonElement>(response, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<PackageAnalyses> ListAnalysesAsync(string ecosystem, string name, string version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ecosystem);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(version);
        var query = $"ecosystem={Uri.EscapeDataString(ecosystem)}&name={Uri.EscapeDataString(name)}&version={Uri.EscapeDataString(version)}";
        using var response = await http.GetAsync($"api/v1/analyses?{query}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.BadRequest)
            throw await InvalidRequestAsync(response, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<PackageAnalyses>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The silo renders it (GET /api/v1/analyses/{id}/sbom); a 409 (nothing to describe) is an <see cref="SbomException"/>.</summary>
    public override async Task<byte[]?> GetSbomAsync(string analysisId, SbomFormat format, CancellationToken cancellationToken = default)
    {
        CheckId(analysisId);
        using var response = await http.GetAsync(
            $"api/v1/analyses/{Uri.EscapeDataString(analysisId)}/sbom?format={SbomWriter.Name(format)}", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        if (response.StatusCode == HttpStatusCode.Conflict)
            throw new SbomException(await ProblemAsync(response, cancellationToken).ConfigureAwait(false));
        if (!response.IsSuccessStatusCode)
            throw new CucosApiException(response.StatusCode, await ProblemAsync(response, cancellationToken).ConfigureAwait(false));
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The silo compares them (GET /api/v1/diff); a 409 (not comparable) is a <see cref="DiffException"/>.</summary>
    public override async Task<VersionDiff?> DiffAsync(string fromAnalysisId, string toAnalysisId, CancellationToken cancellationToken = default)
    {
        CheckId(fromAnalysisId);
        CheckId(toAnalysisId);
        using var response = await http.GetAsync(
            $"api/v1/diff?from={Uri.EscapeDataString(fromAnalysisId)}&to={Uri.EscapeDataString(toAnalysisId)}&format=json", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        if (response.StatusCode == HttpStatusCode.Conflict)
            throw new DiffException(await ProblemAsync(response, cancellationToken).ConfigureAwait(false));
        if (!response.IsSuccessStatusCode)
            throw new CucosApiException(response.StatusCode, await ProblemAsync(response, cancellationToken).ConfigureAwait(false));
        return DiffWriter.ParseJson(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    protected override WaitFailure Classify(Exception exception) => exception switch
    {
        CucosApiException api => api.IsTransient ? WaitFailure.Outage : WaitFailure.Fatal,
        HttpRequestException => WaitFailure.Outage,
        // HttpClient's own timeout surfaces as a cancellation that the caller did not ask for.
        TaskCanceledException => WaitFailure.Outage,
        _ => WaitFailure.Fatal,
    };

    /// <summary>
    /// A 400 as the cluster's own exception: the problems from the document's <c>errors</c> (field: messages), or, for a
    /// refusal of the body's form that names no field, its <c>detail</c> alone.
    /// </summary>
    private async Task<InvalidAnalysisRequestException> InvalidRequestAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType == CucosApiJson.ProblemMediaType)
        {
            try
            {
                using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
                var root = problem.RootElement;
                var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : null;
                var problems = new List<RequestProblem>();
                if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                    foreach (var field in errors.EnumerateObject())
                        if (field.Value.ValueKind == JsonValueKind.Array)
                            problems.AddRange(field.Value.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => new RequestProblem(field.Name, m.GetString()!)));
                // The detail is the sentence of every problem in the cluster's order; errors groups them by field.
                if (problems.Count > 0 && detail is not null && InvalidAnalysisRequestException.Sentence(problems) != detail)
                    problems = [.. problems.OrderBy(p => IndexIn(detail, p.Message))];
                if (problems.Count > 0)
                    return new InvalidAnalysisRequestException(problems);
                if (detail is not null)
                    return new InvalidAnalysisRequestException(RequestFields.Package, detail);
            }
            catch (JsonException)
            {
            }
        }
        return new InvalidAnalysisRequestException(RequestFields.Package, await ProblemAsync(response, cancellationToken).ConfigureAwait(false));
    }

    private static int IndexIn(string detail, string message) => detail.IndexOf(message, StringComparison.Ordinal) is var at and >= 0 ? at : int.MaxValue;

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
}
