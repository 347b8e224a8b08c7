using System.Text.Json;
using Cucos.Sdk;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Ecosystems.Crates;
using Cucos.Workers.Ecosystems.Npm;
using Cucos.Workers.Ecosystems.Nuget;
using Cucos.Workers.Ecosystems.PyPi;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Workers.RegistryLifecycle;

/// <summary>
/// Where the analysed release stands in its package's history, from the registry's own documents read through the
/// ecosystem's registry client (the one init fetched from, with its configuration and credentials): npm's packument,
/// PyPI's project JSON, NuGet's registration, the crates web API's crate document. A local path or archive, and an
/// ecosystem without a reader, are skipped with the reason; a registry that no longer has the package is not_found.
/// </summary>
public sealed class RegistryLifecycleTask : BaseTask
{
    public const string TaskName = "registry_lifecycle";

    /// <summary>The ecosystems whose registry documents this task reads.</summary>
    public static readonly IReadOnlyList<string> Ecosystems = ["npm", "pypi", "nuget", "crates"];

    public override string Name => TaskName;
    public override string Description => "Release lifecycle from the registry: latest version and how far behind, deprecated, yanked and unlisted flags, publication time, release cadence, maintainer changes.";
    public override bool ReadsPackageFiles => false; // the request and the registry only
    public override TimeSpan Timeout => TimeSpan.FromMinutes(5);

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.SourcePath is not null)
            return Skipped(request, null, "a local directory or archive was analysed, not a registry release, so there is no registry to ask.");
        var catalog = BuiltInTasks.EcosystemsOf(context.Services);
        var ecosystem = catalog.Find(request.Ecosystem)?.Id ?? request.Ecosystem;
        if (!Ecosystems.Contains(ecosystem))
            return Skipped(request, ecosystem, $"{TaskName} reads the release history of {string.Join(", ", Ecosystems)} registries, and {ecosystem}'s is not one of them.");

        ReleaseHistory history;
        Func<string, CancellationToken, Task<IReadOnlyList<string>?>>? maintainersOf = null;
        try
        {
            switch (ecosystem)
            {
                case "npm":
                {
                    var (packument, registry) = await Client<NpmRegistry>(context, ecosystem).GetPackumentAsync(request.Name, cancellationToken).ConfigureAwait(false);
                    using (packument)
                        history = RegistryDocuments.Npm(packument.RootElement, registry);
                    break;
                }
                case "pypi":
                {
                    var pypi = Client<PyPiRegistry>(context, ecosystem);
                    if (await pypi.GetProjectDocumentAsync(request.Name, cancellationToken).ConfigureAwait(false) is not var (project, registry))
                        return Skipped(request, ecosystem,
                            $"{pypi.Describe(request.Name)} serves only the Simple Repository API, which has no release history document: set Cucos:Registries:pypi to a registry with PyPI's JSON API for a lifecycle.");
                    using (project)
                        history = RegistryDocuments.PyPi(project.RootElement, registry);
                    // PyPI names a release's author and maintainer only in that release's own document.
                    maintainersOf = (version, token) => pypi.GetReleasePeopleAsync(request.Name, version, token);
                    break;
                }
                case "nuget":
                {
                    var (entries, registry) = await Client<NuGetRegistry>(context, ecosystem).GetRegistrationAsync(request.Name, cancellationToken).ConfigureAwait(false);
                    history = RegistryDocuments.NuGet(entries, registry);
                    break;
                }
                default:
                {
                    var crates = Client<CratesRegistry>(context, ecosystem);
                    if (await crates.GetCrateDocumentAsync(request.Name, cancellationToken).ConfigureAwait(false) is var (crate, registry))
                    {
                        using (crate)
                            history = RegistryDocuments.Crates(crate.RootElement, registry);
                        break;
                    }
                    // A Cargo sparse index: versions and yanks only.
                    var (lines, index) = (await crates.GetSparseIndexLinesAsync(request.Name, cancellationToken).ConfigureAwait(false))!.Value;
                    try
                    {
                        history = RegistryDocuments.CratesIndex(lines.Select(line => line.RootElement), index);
                    }
                    finally
                    {
                        foreach (var line in lines)
                            line.Dispose();
                    }
                    break;
                }
            }
        }
        catch (PackageNotFoundException notFound)
        {
            return NotFound(request, ecosystem, notFound.Registry, $"{notFound.Message} The registry no longer has it, or it never had it.");
        }

        var analysed = history.Releases.FirstOrDefault(r => SameVersion(ecosystem, r.Version, request.Version));
        if (analysed is null)
            return NotFound(request, ecosystem, history.Registry,
                $"{history.Registry} lists {request.Name} but not version {request.Version}: it was unpublished, or the version is misspelt.");
        if (maintainersOf is not null)
            history = await WithMaintainersAsync(history, analysed, maintainersOf, cancellationToken).ConfigureAwait(false);
        analysed = history.Releases.First(r => r.Version == analysed.Version);

        var resolver = catalog.Find(ecosystem)?.VersionResolver;
        var (release, latest, cadence, maintainers) = LifecycleFigures.Compute(ecosystem, history, analysed,
            (a, b) => resolver?.CompareVersions(a, b), context.Clock.GetUtcNow());
        return TaskResult.Success(
            new RegistryLifecycleSummary("read", null, latest?.Version, latest?.VersionsBehind, latest?.DaysBehind, release.Deprecated, release.Yanked,
                release.Listed is { } listed ? !listed : null, release.Published, cadence.Count, cadence.MedianDaysBetweenReleases, maintainers?.Changed),
            new RegistryLifecycleDetails(ecosystem, request.Name, request.Version, history.Registry, release, latest, cadence, maintainers, history.NotAvailable));
    }

    /// <summary>The release history with the maintainers of the analysed release and of the one published before it filled in.</summary>
    private static async Task<ReleaseHistory> WithMaintainersAsync(ReleaseHistory history, ReleaseEntry analysed,
        Func<string, CancellationToken, Task<IReadOnlyList<string>?>> maintainersOf, CancellationToken cancellationToken)
    {
        var previous = analysed.Published is { } at ? history.Releases.Where(r => r.Published < at).MaxBy(r => r.Published) : null;
        var wanted = new[] { analysed, previous }.Where(r => r is not null).Select(r => r!.Version).ToList();
        var found = new Dictionary<string, IReadOnlyList<string>?>(StringComparer.Ordinal);
        foreach (var version in wanted)
            found[version] = await maintainersOf(version, cancellationToken).ConfigureAwait(false);
        return history with
        {
            Releases = [.. history.Releases.Select(r => found.TryGetValue(r.Version, out var people) ? r with { Maintainers = people } : r)],
            NotAvailable = [.. history.NotAvailable.Where(n => n != "maintainers")],
        };
    }

    /// <summary>The ecosystem's registry client from the host's services (<c>AddCucosRegistries</c>), never one of this task's own.</summary>
    private static T Client<T>(TaskContext context, string ecosystem) where T : class =>
        context.Services.GetService<T>()
        ?? throw new FatalTaskException($"this host registers no {ecosystem} registry client: add the registries to its services (AddCucosRegistries, as AddCucosBuiltInTasks does).");

    private static bool SameVersion(string ecosystem, string listed, string requested) => ecosystem switch
    {
        "nuget" => string.Equals(NuGetRegistry.NormalizeVersion(listed), NuGetRegistry.NormalizeVersion(requested), StringComparison.OrdinalIgnoreCase),
        "pypi" => string.Equals(listed, requested, StringComparison.OrdinalIgnoreCase),
        _ => listed == requested,
    };

    private static TaskResult Skipped(RequestView request, string? ecosystem, string reason) => Without("skipped", request, ecosystem, null, reason);

    private static TaskResult NotFound(RequestView request, string ecosystem, string registry, string reason) => Without("not_found", request, ecosystem, registry, reason);

    private static TaskResult Without(string status, RequestView request, string? ecosystem, string? registry, string reason) => TaskResult.Success(
        new RegistryLifecycleSummary(status, reason, null, null, null, null, null, null, null, null, null, null),
        new RegistryLifecycleDetails(ecosystem ?? request.Ecosystem, request.Name, request.Version, registry, null, null, null, null, []));
}
