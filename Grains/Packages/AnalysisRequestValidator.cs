using Cucos.Messages;
using Cucos.Sdk;
using Cucos.Sdk.Ecosystems;

namespace Cucos.Grains.Packages;

/// <summary>
/// Every check of an analysis request, in one place and with one wording each: the request's own fields
/// (<see cref="RequestChecks"/>), its tasks against the <see cref="TaskRegistry"/> and its ecosystem against the
/// <see cref="EcosystemCatalog"/>. The package analysis grain runs it where a request enters the cluster; the API
/// uses <see cref="PackageProblems"/> for its list query.
/// </summary>
/// <param name="localPaths">Whether source paths are analysed; null refuses them.</param>
public sealed class AnalysisRequestValidator(TaskRegistry tasks, EcosystemCatalog? ecosystems = null, LocalPathPolicy? localPaths = null)
{
    /// <summary>Every problem of <paramref name="request"/>, in field order; empty when it may start.</summary>
    public IReadOnlyList<RequestProblem> Validate(AnalysisRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = RequestChecks.OfShape(request, KnownEcosystems);
        // A registry package must be of an ecosystem init can fetch. A source path brings its own files, so its
        // ecosystem is only a label (tests and benchmarks use their own). A host with no ecosystems leaves it to init.
        if (request.SourcePath is null && IsRegistryEcosystemUnknown(request.Ecosystem) is { } unknown)
            problems.Insert(0, unknown);
        if (request.SourcePath is { Length: > 0 } sourcePath && (localPaths ?? LocalPathPolicy.Refused).Problem(sourcePath) is { } refused)
            problems.Add(new(RequestFields.SourcePath, refused));
        // A list RequestChecks refused (a null entry, too many) is not looked up.
        if (request.Tasks is { Length: > 0 } named && !problems.Any(p => p.Field == RequestFields.Tasks) && tasks.Unknown(named) is { Count: > 0 } unknownTasks)
            problems.Add(new(RequestFields.Tasks,
                $"unknown task(s): {string.Join(", ", unknownTasks)}. The tasks of this cluster are: {string.Join(", ", tasks.All.Select(d => d.Name))}."));
        if (request.Tasks is { Length: > 0 } listed && !problems.Any(p => p.Field == RequestFields.Tasks) && listed.Contains(CucosFlow.WebhookTask, StringComparer.Ordinal))
            problems.Add(new(RequestFields.Tasks,
                $"'{CucosFlow.WebhookTask}' is not run as a task of its own: it runs when the analysis ends, for a request with a 'webhook_url'. Leave it out of 'tasks' and give 'webhook_url' instead."));
        if (tasks.Find(CucosFlow.RootTask) is null)
            problems.Add(new(RequestFields.Tasks, $"no '{CucosFlow.RootTask}' task is registered in this cluster, so no analysis can start."));
        return problems;
    }

    /// <summary>Throws <see cref="InvalidAnalysisRequestException"/> with every problem of <paramref name="request"/>.</summary>
    public void ThrowIfInvalid(AnalysisRequest request)
    {
        if (Validate(request) is { Count: > 0 } problems)
            throw new InvalidAnalysisRequestException(problems);
    }

    /// <summary>
    /// Throws <see cref="InvalidAnalysisRequestException"/> for the <c>webhook_url</c> field when the request names a webhook
    /// this cluster may not call: none is configured (<paramref name="webhooks"/> null, or no webhook task), or the URL's
    /// host resolves to an address the allow-list refuses. Asked after <see cref="ThrowIfInvalid"/>, on a well-formed URL.
    /// </summary>
    public async Task ThrowIfWebhookRefusedAsync(AnalysisRequest request, IWebhookTargets? webhooks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.WebhookUrl is not { } url)
            return;
        if (webhooks is null || tasks.Find(CucosFlow.WebhookTask) is null)
            throw new InvalidAnalysisRequestException(RequestFields.WebhookUrl,
                $"this cluster delivers no webhooks (no '{CucosFlow.WebhookTask}' task is registered): leave 'webhook_url' out, or ask its operator to enable them.");
        if (await webhooks.ProblemAsync(new Uri(url, UriKind.Absolute), cancellationToken) is { } problem)
            throw new InvalidAnalysisRequestException(RequestFields.WebhookUrl, problem);
    }

    /// <summary>The problems of a package version named by its three parts, as the API's list query names it.</summary>
    public IReadOnlyList<RequestProblem> PackageProblems(string? ecosystem, string? name, string? version, bool inQuery = false)
    {
        var problems = RequestChecks.OfPackage(ecosystem, name, version, KnownEcosystems, inQuery);
        // The catalog's word on the ecosystem comes right after the form checks, before name and version.
        if (!string.IsNullOrWhiteSpace(ecosystem) && IsRegistryEcosystemUnknown(ecosystem.Trim()) is { } unknown)
            problems.Insert(0, unknown);
        return problems;
    }

    private string KnownEcosystems => ecosystems is { All.Count: > 0 } catalog
        ? $"one of {catalog.Ids}"
        : "one such as 'npm', or 'local' with a source path";

    private RequestProblem? IsRegistryEcosystemUnknown(string ecosystem)
    {
        // 'local' is checked by its source path; a malformed id by its form.
        if (ecosystem == AnalysisRequest.LocalEcosystem || !RequestChecks.IsEcosystemForm(ecosystem) || ecosystems is not { All.Count: > 0 } catalog)
            return null;
        if (catalog.Find(ecosystem) is { } known)
            return known.Id == ecosystem ? null : new(RequestFields.Ecosystem,
                // The grain's key and init's registry lookup use the id, so an alias is named, not guessed.
                $"ecosystem '{ecosystem}' is another name of '{known.Id}': give '{known.Id}'.");
        return new(RequestFields.Ecosystem, $"ecosystem '{ecosystem}' is not known to this cluster: give one of {catalog.Ids}.");
    }
}
