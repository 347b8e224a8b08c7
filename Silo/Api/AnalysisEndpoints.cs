using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cucos.Client;
using Cucos.Client.Http;
using Cucos.Grains.Packages;
using Cucos.Messages;
using Cucos.Sdk.Ecosystems;
using Cucos.State;

namespace Cucos.Silo.Api;

/// <summary>
/// The handlers of <c>/api/v1/analyses</c>. Package names may hold '/', '@' and ':' (npm scopes, Maven group:artifact,
/// Go modules), so they travel in the JSON body or the query string, never in a path segment.
/// </summary>
public static partial class AnalysisEndpoints
{
    /// <summary>The longest wait a long poll may ask for; the analysis grain answers within 20 s.</summary>
    public const int MaxWaitSeconds = 20;

    public static async Task<IResult> StartAsync(HttpRequest http, ICucosClient client, EcosystemCatalog ecosystems, AnalysisRequestValidator validator, CancellationToken cancellationToken)
    {
        // A start request is small: read it whole, so an empty body can be told from a malformed one.
        using var buffer = new MemoryStream();
        await http.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
            return ApiProblems.BadRequest("Malformed request body", $"the request body is empty. {BodyExample}");
        StartAnalysisBody? body;
        try
        {
            body = JsonSerializer.Deserialize<StartAnalysisBody>(buffer.ToArray(), CucosApiJson.Options);
        }
        catch (JsonException exception)
        {
            return ApiProblems.BadRequest("Malformed request body", $"the request body is not valid: {Describe(exception)}. {BodyExample}");
        }
        if (body is null)
            return ApiProblems.BadRequest("Malformed request body", $"the request body is null, not a JSON object. {BodyExample}");

        AnalysisRequest request;
        if (body.Package is { } package)
        {
            if (body.Ecosystem is not null || body.Name is not null || body.Version is not null)
                return ApiProblems.Invalid(new InvalidAnalysisRequestException(RequestFields.Package,
                    "give either 'package' (ECOSYSTEM:NAME@VERSION) or 'ecosystem', 'name' and 'version', not both."));
            try
            {
                request = ecosystems.ParsePackage(package, body.Force, body.Tasks);
            }
            catch (ArgumentException exception)
            {
                return ApiProblems.Invalid(exception as InvalidAnalysisRequestException ?? new InvalidAnalysisRequestException(RequestFields.Package, exception.Message));
            }
        }
        else
            request = ecosystems.Normalise(AnalysisRequest.ForPackage(body.Ecosystem?.Trim() ?? "", body.Name?.Trim() ?? "", body.Version?.Trim() ?? "", body.Force, body.Tasks));
        request = request with { Parameters = body.Parameters is { Count: > 0 } parameters ? parameters : null, WebhookUrl = body.WebhookUrl };
        // The body has no source path: 'local' would name a path on the silo's own disk, which the API does not serve.
        if (request.Ecosystem == AnalysisRequest.LocalEcosystem)
            return ApiProblems.Invalid(new InvalidAnalysisRequestException(RequestFields.Ecosystem, LocalNotServed));
        // The cluster checks again where the request enters it; checked here, a null in a list or a control
        // character never travels, and is answered without a round trip.
        if (validator.Validate(request) is { Count: > 0 } problems)
            return ApiProblems.Invalid(new InvalidAnalysisRequestException(problems));

        try
        {
            var ticket = await client.StartAnalysisAsync(request, cancellationToken);
            return Results.Accepted($"/api/v1/analyses/{ticket.AnalysisId}", ticket);
        }
        catch (InvalidAnalysisRequestException invalid)
        {
            return ApiProblems.Invalid(invalid);
        }
    }

    /// <summary>The analysis; with <c>after_revision</c>, waits (a long poll) until it has a newer revision or <c>wait_seconds</c> passed.</summary>
    public static async Task<IResult> GetAsync(string analysisId, HttpRequest http, ICucosClient client, IStackTraceDisclosure disclosure, CancellationToken cancellationToken)
    {
        if (!IsAnalysisId(analysisId))
            return ApiProblems.UnknownAnalysis(analysisId);
        var query = http.Query;
        long? afterRevision = null;
        if (query["after_revision"] is { Count: > 0 } revisionText)
        {
            if (!long.TryParse(revisionText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var revision) || revision < -1)
                return ApiProblems.BadRequest("Invalid query", $"after_revision '{revisionText}' is not a revision: give the 'revision' of the analysis you last read (or -1).");
            afterRevision = revision;
        }
        var waitSeconds = 15;
        if (query["wait_seconds"] is { Count: > 0 } waitText
            && (!int.TryParse(waitText, NumberStyles.None, CultureInfo.InvariantCulture, out waitSeconds) || waitSeconds > MaxWaitSeconds))
            return ApiProblems.BadRequest("Invalid query", $"wait_seconds '{waitText}' is not valid: give whole seconds from 0 to {MaxWaitSeconds}.");

        var snapshot = afterRevision is { } known
            ? await client.WaitForChangeAsync(analysisId, known, TimeSpan.FromSeconds(waitSeconds), cancellationToken)
            : await client.GetAnalysisAsync(analysisId, cancellationToken);
        if (snapshot is null)
            return ApiProblems.UnknownAnalysis(analysisId);
        return Results.Ok(disclosure.ShowsStackTraces(http.HttpContext) ? snapshot : snapshot.WithoutStackTraces());
    }

    /// <summary>One task's stored result document, as the worker wrote it.</summary>
    public static async Task<IResult> GetResultAsync(string analysisId, string taskName, ICucosClient client, CancellationToken cancellationToken)
    {
        if (!IsAnalysisId(analysisId))
            return ApiProblems.UnknownAnalysis(analysisId);
        var snapshot = await client.GetAnalysisAsync(analysisId, cancellationToken);
        if (snapshot is null)
            return ApiProblems.UnknownAnalysis(analysisId);
        if (!snapshot.Tasks.TryGetValue(taskName, out var run))
            return ApiProblems.NotFound("Unknown task",
                $"analysis {analysisId} has no task '{taskName}'. Its tasks are: {string.Join(", ", snapshot.Tasks.Keys.Order(StringComparer.Ordinal))}.");
        var document = await client.GetResultAsync(analysisId, taskName, cancellationToken);
        if (document is null)
            return ApiProblems.NotFound("No result yet", run.Status switch
            {
                AnalysisTaskStatus.Failed => $"task '{taskName}' of analysis {analysisId} failed and stored no result; its error is in GET /api/v1/analyses/{analysisId}.",
                AnalysisTaskStatus.Skipped => $"task '{taskName}' of analysis {analysisId} was skipped ({run.SkipReason}) and stored no result.",
                _ => $"task '{taskName}' of analysis {analysisId} is {Word(run.Status)} and has stored no result yet. Try again once it succeeded.",
            });
        return Results.Json(document.Value, CucosApiJson.Options);
    }

    /// <summary>Every analysis of one package version, oldest first; the last is the current one.</summary>
    public static async Task<IResult> ListAsync(string? ecosystem, string? name, string? version, ICucosClient client, AnalysisRequestValidator validator, EcosystemCatalog ecosystems, CancellationToken cancellationToken)
    {
        // An alias (pip for pypi) names the same analyses as the id.
        if (ecosystem is not null && ecosystems.Find(ecosystem.Trim()) is { } known)
            ecosystem = known.Id;
        if (ecosystem?.Trim() == AnalysisRequest.LocalEcosystem)
            return ApiProblems.Invalid(new InvalidAnalysisRequestException(RequestFields.Ecosystem, LocalNotServed), "Invalid query");
        if (validator.PackageProblems(ecosystem, name, version, inQuery: true) is { Count: > 0 } problems)
            return ApiProblems.Invalid(new InvalidAnalysisRequestException(problems), "Invalid query");
        try
        {
            return Results.Ok(await client.ListAnalysesAsync(ecosystem!, name!, version!, cancellationToken));
        }
        catch (InvalidAnalysisRequestException invalid)
        {
            return ApiProblems.Invalid(invalid, "Invalid query");
        }
    }

    private const string BodyExample = "Send a JSON object such as {\"ecosystem\": \"npm\", \"name\": \"serve-static\", \"version\": \"1.7.1\"} (optional: \"force\", \"tasks\", \"parameters\", \"webhook_url\")";

    private static string LocalNotServed => "ecosystem 'local' is not served over HTTP: the silo analyses packages it fetches from a registry, not paths on its own disk. " +
        "Give a registry ecosystem, such as npm.";

    /// <summary>What the serializer found wrong, in words for the caller (without .NET type names).</summary>
    private static string Describe(JsonException exception)
    {
        var field = exception.Path is { Length: > 2 } path ? path[2..] : null;
        if (exception.Path == "$" && exception.Message.Contains("could not be converted", StringComparison.Ordinal))
            return "the body is not a JSON object";
        if (exception.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            var unknown = UnmappedProperty().Match(exception.Message) is { Success: true } match ? match.Groups[1].Value : field;
            return $"the field '{unknown}' is not known (the fields are {string.Join(", ", StartAnalysisBody.FieldNames)})";
        }
        if (exception.Message.Contains("could not be converted", StringComparison.Ordinal) && field is not null)
            return $"the field '{field}' has a value of the wrong type ('force' is true or false, 'tasks' a list of names, 'parameters' an object of strings, the others strings)";
        return $"it is not well-formed JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1})";
    }

    internal static bool IsAnalysisId(string text) => AnalysisIdPattern().IsMatch(text);

    private static string Word(AnalysisTaskStatus status) => status switch
    {
        AnalysisTaskStatus.RetryScheduled => "waiting for a retry",
        _ => status.ToString().ToLowerInvariant(),
    };

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex AnalysisIdPattern();

    [GeneratedRegex("JSON property '([^']*)'")]
    private static partial Regex UnmappedProperty();
}
