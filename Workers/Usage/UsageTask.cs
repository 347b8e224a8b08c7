using Cucos.Sdk;
using Cucos.Sdk.Ecosystems;
using Cucos.Usage;
using Cucos.Workers.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Workers.Usage;

/// <summary>
/// The seed's BigQuery_GH: how many GitHub repositories depend on the package and its percentile rank, read from the
/// figures the periodic usage refresh stored (BigQuery is never called per analysis), and the package's dependents
/// among the packages this cluster has analysed.
/// </summary>
public sealed class UsageTask : BaseTask
{
    public const string TaskName = "usage";
    /// <summary>Dependents named in the result; the count covers them all.</summary>
    public const int DependentExamples = 5;

    public override string Name => TaskName;
    public override bool ReadsPackageFiles => false; // results and the request only
    public override string Description => "GitHub repositories depending on the package and its percentile rank, from the stored BigQuery usage refresh; its dependents among the analysed packages.";
    // A child of metadata: for a local package the name comes from its manifest.
    public override string? SpawnedBy => MetadataTask.TaskName;

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var (ecosystem, name) = await PackageAsync(context, cancellationToken).ConfigureAwait(false);
        var store = context.Services.GetService<IUsageStore>();
        var index = context.Services.GetService<IDependentsIndex>();
        if (ecosystem is null || name is null)
            return Result(ecosystem, name, null, null, "the package's ecosystem and name are not known (no registry request and no manifest naming them).");

        DependentsFigures? dependents = null;
        if (index is not null)
        {
            var found = await index.FindAsync(ecosystem, name, DependentExamples, cancellationToken).ConfigureAwait(false);
            dependents = new DependentsFigures(found.Count, found.Examples);
        }
        if (store is null)
            return Result(ecosystem, name, null, dependents, "no usage store: usage figures are kept by a cluster's silos (cucos analyze or a silo), not by a worker run alone.");
        if (await store.LatestAsync(ecosystem, cancellationToken).ConfigureAwait(false) is not { } latest)
            return Result(ecosystem, name, null, dependents,
                $"no usage figures for {ecosystem} yet: the periodic BigQuery refresh has not completed once (it needs a service account in Cucos:Usage:BigQuery:KeyFile or Cucos:Usage:BigQuery:Key and {ecosystem} in Cucos:Usage:Ecosystems; docs/external-services.md).");
        var figure = await store.GetAsync(ecosystem, name, cancellationToken).ConfigureAwait(false);
        var usage = figure is null
            ? new UsageFigures(false, 0, 0, latest.RefreshedAt, latest.Packages, "bigquery")
            : new UsageFigures(true, figure.Repositories, figure.Percentile, figure.RefreshedAt, figure.PackagesInRefresh, "bigquery");
        return Result(ecosystem, name, usage, dependents, null);
    }

    private static TaskResult Result(string? ecosystem, string? name, UsageFigures? usage, DependentsFigures? dependents, string? reason) => TaskResult.Success(
        new UsageSummary(usage is null ? "skipped" : "counted", reason, usage?.Repositories, usage?.Percentile, usage?.RefreshedAt, dependents?.Count),
        new UsageDetails(ecosystem, name, usage, dependents));

    private static async Task<(string? Ecosystem, string? Name)> PackageAsync(TaskContext context, CancellationToken cancellationToken)
    {
        if (context.Request.Ecosystem != EcosystemCatalog.LocalEcosystem)
            return (context.Request.Ecosystem, context.Request.Name);
        var metadata = await context.GetResultAsync<MetadataDetails>(cancellationToken).ConfigureAwait(false);
        return (metadata?.Ecosystem, metadata?.Name);
    }
}
