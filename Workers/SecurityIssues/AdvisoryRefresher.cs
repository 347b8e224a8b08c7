using System.Text;
using Cucos.Advisories;
using Cucos.Grains.Listing;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Workers.SecurityIssues;

/// <summary>
/// The security_issues side of the advisory refresh grain: with <c>Cucos:Advisories:Store=postgres</c> and a
/// <c>Cucos:Advisories:Directory</c>, the source "directory" is imported into the store, and the analyses an import
/// changes are those of a package version that a changed record affected before or affects now (so a new advisory,
/// a widened or narrowed range, an edited or withdrawn record each count, and a version no version of the record
/// touches does not). Analyses are found in the cluster's list by ecosystem and the name the record gives.
/// </summary>
public sealed class AdvisoryRefresher(IServiceProvider services) : IAdvisoryRefresher
{
    public const string DirectorySource = "directory";

    private AdvisorySettings Settings => services.GetService<AdvisorySettings>() ?? AdvisorySettings.From(services.GetService<IConfiguration>());

    private IAdvisoryStore Store => services.GetService<IAdvisoryStore>()
        ?? throw new FatalTaskException($"{AdvisorySettings.StoreKey} is '{AdvisorySettings.PostgresStore}' but this silo has no PostgreSQL database: set ConnectionStrings:Cucos.");

    public IReadOnlyList<string> Sources => Settings is { UsesStore: true, Directory: not null } ? [DirectorySource] : [];

    public Task<IReadOnlyList<AdvisoryPart>> PartsAsync(string source, CancellationToken cancellationToken) =>
        Task.FromResult(AdvisoryImport.Parts(DirectoryOf(source)));

    public Task<AdvisoryImportRecord> ImportAsync(string source, string importId, CancellationToken cancellationToken) =>
        new AdvisoryImport(Store, services.GetService<TimeProvider>()).ImportAsync(DirectoryOf(source), importId, null, cancellationToken);

    public async Task<IReadOnlyList<AdvisoryRerunCandidate>> CandidatesAsync(string importId, CancellationToken cancellationToken)
    {
        var changes = await Store.ChangesAsync(importId, cancellationToken).ConfigureAwait(false);
        // Per (cluster ecosystem, package name as the record gives it): the affected entries before and after, by record id.
        var byPackage = new Dictionary<(string Ecosystem, string Name), List<(string Id, OsvAffected? Before, OsvAffected? After)>>();
        foreach (var change in changes)
        {
            var before = Parse(change.PreviousJson);
            var after = Parse(change.Json);
            foreach (var (record, isBefore) in new[] { (before, true), (after, false) })
            {
                if (record is null || record.Withdrawn is not null)
                    continue; // a withdrawn record is never reported: it affects nothing
                foreach (var affected in record.Affected ?? [])
                    if (affected.Package is { } package && OsvEcosystems.CucosId(package.Ecosystem) is { } ecosystem)
                    {
                        var key = (ecosystem, package.Name.Trim());
                        (byPackage.TryGetValue(key, out var list) ? list : byPackage[key] = []).Add((change.Id, isBefore ? affected : null, isBefore ? null : affected));
                    }
            }
        }
        var listing = services.GetRequiredService<IAnalysisListing>();
        var catalog = BuiltInTasks.EcosystemsOf(services);
        var candidates = new Dictionary<string, AdvisoryRerunCandidate>(StringComparer.Ordinal);
        foreach (var ((ecosystem, name), entries) in byPackage)
        {
            var ordering = new AffectedVersions(catalog.Find(ecosystem)?.VersionResolver);
            AnalysisListPosition? after = null;
            do
            {
                var page = await listing.ListAsync(new AnalysisListQuery { Ecosystem = ecosystem, Name = name, Limit = AnalysisListQuery.MaxLimit, After = after }, cancellationToken).ConfigureAwait(false);
                foreach (var analysis in page.Analyses.Where(a => a.Status is AnalysisStatus.Succeeded or AnalysisStatus.CompletedWithFailures))
                {
                    var ids = entries.Where(e => (e.Before is { } b && ordering.Judge(b, analysis.Version).Affected) || (e.After is { } a && ordering.Judge(a, analysis.Version).Affected))
                        .Select(e => e.Id).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                    if (ids.Count == 0)
                        continue;
                    candidates[analysis.AnalysisId] = candidates.TryGetValue(analysis.AnalysisId, out var known)
                        ? known with { AdvisoryIds = [.. known.AdvisoryIds.Union(ids, StringComparer.Ordinal).Order(StringComparer.Ordinal)] }
                        : new AdvisoryRerunCandidate(analysis.AnalysisId, $"{ecosystem}:{analysis.Name}@{analysis.Version}", ids);
                }
                after = page.Next;
            }
            while (after is not null);
        }
        return [.. candidates.Values.OrderBy(c => c.Release, StringComparer.Ordinal).ThenBy(c => c.AnalysisId, StringComparer.Ordinal)];
    }

    private string DirectoryOf(string source) => source == DirectorySource && Settings.Directory is { } directory
        ? directory
        : throw new FatalTaskException($"the advisory source '{source}' is not configured: set {AdvisorySettings.DirectoryKey}.");

    private static OsvRecord? Parse(string? json) => json is null ? null : OsvRecords.Parse(Encoding.UTF8.GetBytes(json), out _);
}
