using Cucos.Advisories;
using Cucos.Grains.Refresh;
using Cucos.State;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cucos.Grains.Advisories;

/// <summary>
/// Refreshes one advisory source (the key is its name) into the advisory store and re-runs security_issues where the
/// findings change. The steps, each recorded in the grain's state before the next begins, so a refresh a crash
/// interrupted resumes where it was: the parts' digests (an unchanged source ends the refresh), the import under a
/// refresh id (the store tags what it changes with that id, so importing again after a crash finds the same
/// changes), the analyses those changes concern, then their re-runs one by one. While a refresh is under way a short
/// "resume" reminder wakes the grain on whatever silo is alive. Ticks may repeat or be missed: a tick starts nothing
/// while a refresh runs, and a re-run asked twice is answered "already pending" by the analysis.
/// </summary>
public sealed partial class AdvisoryRefreshGrain(
    [PersistentState(AdvisoryRefreshGrain.StateName, StateNames.StorageProvider)] IPersistentState<AdvisoryRefreshStatus> state,
    IServiceProvider services,
    ILogger<AdvisoryRefreshGrain> logger)
    : RefreshGrain, IAdvisoryRefreshGrain
{
    public const string StateName = StateNames.AdvisoryRefresh;
    public const string TaskName = "security_issues";
    protected override string RefreshReminder => "cucos-advisories";
    protected override string ResumeReminder => "cucos-advisories-resume";
    protected override RefreshSchedule Schedule
    {
        get
        {
            var settings = Settings;
            return new(settings.RefreshInterval, settings.FirstRefreshDelay, settings.ResumeInterval);
        }
    }
    protected override DateTimeOffset? LastRefreshedAt => state.State.LastRefreshedAt;
    protected override DateTimeOffset? RetryAt => state.State.RetryAt;
    protected override bool Underway => state.State.ImportId is not null;

    private string Source => this.GetPrimaryKeyString();
    private AdvisoryRefreshSettings Settings => services.GetService<AdvisoryRefreshSettings>() ?? AdvisoryRefreshSettings.From(services.GetService<IConfiguration>());
    protected override TimeProvider Time => services.GetService<TimeProvider>() ?? TimeProvider.System;

    /// <summary>Who the analyses' audit trail names as having asked for the re-run.</summary>
    public string RequestedBy => "advisories:" + Source;

    public Task EnsureScheduledAsync() => EnsureRemindersAsync();

    public Task<AdvisoryRefreshStatus> GetStatusAsync() => Task.FromResult(state.State with { Pending = [.. state.State.Pending] });

    protected override async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var current = state.State;
        try
        {
            var refresher = services.GetService<IAdvisoryRefresher>()
                ?? throw new AdvisoryRefreshConfigurationException("this silo has no advisory refresher: the workers' services (AddCucosBuiltInTasks) are not registered.");
            if (!refresher.Sources.Contains(Source))
                throw new AdvisoryRefreshConfigurationException($"the advisory source '{Source}' is not configured on this silo: set Cucos:Advisories:Directory and Cucos:Advisories:Store=postgres.");
            if (current.ImportId is null)
            {
                // Off the grain's scheduler: hashing a large all.zip takes a while.
                var parts = await Task.Run(() => refresher.PartsAsync(Source, cancellationToken), cancellationToken);
                var digests = parts.ToDictionary(p => p.Name, p => p.Digest, StringComparer.Ordinal);
                if (SameDigests(digests, current.Digests))
                {
                    current.LastRefreshedAt = Time.GetUtcNow();
                    current.LastChanged = 0;
                    current.LastReruns = 0;
                    current.LastError = null;
                    current.Completed++;
                    await state.WriteStateAsync(cancellationToken);
                    LogUnchanged(logger, Source);
                    return;
                }
                current.ImportId = Guid.NewGuid().ToString("N");
                current.StartedAt = Time.GetUtcNow();
                current.NewDigests = digests;
                current.Imported = false;
                current.Pending = [];
                current.Rerun = 0;
                current.Attempts = 0;
                current.RetryAt = null;
                await state.WriteStateAsync(cancellationToken);
                await KeepResumingAsync(cancellationToken);
            }
            current.Attempts++;
            var importId = current.ImportId;
            if (!current.Imported)
            {
                var import = await Task.Run(() => refresher.ImportAsync(Source, importId, cancellationToken), cancellationToken);
                var candidates = await Task.Run(() => refresher.CandidatesAsync(importId, cancellationToken), cancellationToken);
                current.Pending = [.. candidates];
                current.Imported = true;
                current.LastChanged = import.Inserted + import.Updated;
                await state.WriteStateAsync(cancellationToken);
                LogImported(logger, Source, import.Records, import.Inserted + import.Updated, import.Skipped, candidates.Count);
            }
            var grains = services.GetRequiredService<IGrainFactory>();
            while (current.Rerun < current.Pending.Count)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var candidate = current.Pending[current.Rerun];
                var reason = $"advisories changed ({string.Join(", ", candidate.AdvisoryIds)}), refresh {importId}";
                try
                {
                    await grains.GetGrain<IAnalysisGrain>(candidate.AnalysisId).RerunTaskAsync(TaskName, reason, RequestedBy);
                }
                catch (TaskRerunRefusedException exception) when (exception.Refusal is not TaskRerunRefusal.AnalysisNotFinished)
                {
                    // An analysis without security_issues, or whose prerequisites failed: nothing a retry would change.
                    LogRerunRefused(logger, Source, candidate.AnalysisId, exception.Message);
                }
                // The re-run is recorded before moving past it: a crash here asks again, which the analysis answers "already pending".
                current.Rerun++;
                await state.WriteStateAsync(cancellationToken);
            }
            current.Digests = current.NewDigests ?? current.Digests;
            current.LastRefreshedAt = Time.GetUtcNow();
            current.LastReruns = current.Pending.Count;
            current.LastError = null;
            current.Completed++;
            Finish(current);
            await state.WriteStateAsync(cancellationToken);
            await StopResumingAsync();
            LogRefreshed(logger, Source, current.LastChanged, current.LastReruns);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Deactivating: the stored progress is where the next activation resumes.
        }
        catch (AdvisoryRefreshConfigurationException exception)
        {
            current.LastError = exception.Message;
            Finish(current);
            await state.WriteStateAsync(CancellationToken.None);
            await StopResumingAsync();
            LogAbandoned(logger, Source, exception.Message);
        }
        catch (Exception exception)
        {
            // An unreachable database, a file replaced while read, an analysis still running: the resume reminder tries again.
            current.LastError = $"{exception.GetType().Name}: {exception.Message}";
            current.RetryAt = Time.GetUtcNow() + Settings.RetryDelay;
            await state.WriteStateAsync(CancellationToken.None);
            LogRetryLater(logger, Source, current.RetryAt.Value, current.LastError);
        }
    }

    private static bool SameDigests(Dictionary<string, string> now, Dictionary<string, string> before) =>
        now.Count == before.Count && now.All(p => before.TryGetValue(p.Key, out var digest) && digest == p.Value);

    private static void Finish(AdvisoryRefreshStatus current)
    {
        current.ImportId = null;
        current.StartedAt = null;
        current.NewDigests = null;
        current.Imported = false;
        current.Pending = [];
        current.Rerun = 0;
        current.RetryAt = null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "advisory source {Source} unchanged: nothing imported")]
    private static partial void LogUnchanged(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "advisory source {Source} imported: {Records} records, {Changed} changed, {Skipped} skipped; {Analyses} analyses to re-run")]
    private static partial void LogImported(ILogger logger, string source, int records, int changed, int skipped, int analyses);

    [LoggerMessage(Level = LogLevel.Information, Message = "advisory source {Source} refreshed: {Changed} records changed, {Reruns} analyses re-run")]
    private static partial void LogRefreshed(ILogger logger, string source, int changed, int reruns);

    [LoggerMessage(Level = LogLevel.Warning, Message = "advisory refresh of {Source}: analysis {AnalysisId} refused the re-run: {Reason}")]
    private static partial void LogRerunRefused(ILogger logger, string source, string analysisId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "advisory refresh of {Source} paused until {RetryAt}: {Reason}")]
    private static partial void LogRetryLater(ILogger logger, string source, DateTimeOffset retryAt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "advisory refresh of {Source} abandoned until the next tick: {Reason}")]
    private static partial void LogAbandoned(ILogger logger, string source, string reason);
}
