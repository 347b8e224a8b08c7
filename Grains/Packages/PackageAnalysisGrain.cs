using Cucos.Messages;

namespace Cucos.Grains.Packages;

[GenerateSerializer, Alias("cucos.PackageAnalysisState")]
public sealed record PackageAnalysisState
{
    /// <summary>Every analysis of this package version, oldest first; the last is the current one.</summary>
    [Id(0)] public List<string> Analyses { get; init; } = [];
}

/// <summary>
/// One per package version. Orleans runs one activation per key and one call at a time, so concurrent
/// requests for the same version are served in turn and all but the first find the analysis already started.
/// </summary>
public sealed class PackageAnalysisGrain(
    [PersistentState(StateNames.Package, StateNames.StorageProvider)] IPersistentState<PackageAnalysisState> state,
    AnalysisRequestValidator validator,
    IServiceProvider services)
    : Grain, IPackageAnalysisGrain
{
    public async Task<AnalysisTicket> StartAsync(AnalysisRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The cluster's default webhook is written into the request, so the analysis (and each of its ends) reports to
        // the URL it started with, whatever the setting says later.
        var webhooks = services.GetService(typeof(Sdk.IWebhookTargets)) as Sdk.IWebhookTargets;
        if (request.WebhookUrl is null && webhooks?.DefaultUrl is { } defaultUrl)
            request = request with { WebhookUrl = defaultUrl };
        // Every door (the clients, the API, the CLI, a task starting dependency analyses) comes through here.
        validator.ThrowIfInvalid(request);
        // After the form checks: the host is resolved, and every address it has must be one the allow-list lets the cluster call.
        await validator.ThrowIfWebhookRefusedAsync(request, webhooks);
        var key = GrainKeys.Package(request.Ecosystem, request.Name, request.Version);
        if (key != this.GetPrimaryKeyString())
            throw new ArgumentException($"request for '{key}' was sent to the grain of '{this.GetPrimaryKeyString()}'.");
        if (!request.Force && state.State.Analyses.Count > 0)
            return new AnalysisTicket(state.State.Analyses[^1], Created: false);

        // Starting an analysis is idempotent and its id follows from this package's count of analyses, so when the
        // write below fails (the database went away after the analysis was stored), the caller's retry starts
        // nothing new: it finds the analysis the first try started and records it. No analysis runs unlisted.
        var analysisId = GrainKeys.AnalysisId(key, state.State.Analyses.Count);
        await GrainFactory.GetGrain<IAnalysisGrain>(analysisId).StartAsync(request);
        state.State.Analyses.Add(analysisId);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // The activation's list must match the stored one, or the retry would take the next number.
            state.State.Analyses.RemoveAt(state.State.Analyses.Count - 1);
            throw;
        }
        return new AnalysisTicket(analysisId, Created: true);
    }

    public Task<string[]> GetHistoryAsync() => Task.FromResult(state.State.Analyses.ToArray());
}
