using Cucos.Grains.Refresh;
using Cucos.Usage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cucos.Grains.Usage;

/// <summary>
/// Refreshes one ecosystem's usage figures from BigQuery (the key is the ecosystem): jobs.query, then
/// jobs.getQueryResults page by page, each page stored before the grain's state records its page token, so a refresh
/// a crash interrupted resumes at the next page (a page stored twice is an upsert). While a refresh is under way a
/// short "resume" reminder wakes the grain on whatever silo is alive; the daily reminder starts the next one.
/// Reminder ticks may repeat or be missed: a tick starts nothing while a refresh runs or waits for its retry time.
/// </summary>
public sealed partial class UsageRefreshGrain(
    [PersistentState(UsageRefreshGrain.StateName, StateNames.StorageProvider)] IPersistentState<UsageRefreshStatus> state,
    IServiceProvider services,
    ILogger<UsageRefreshGrain> logger)
    : RefreshGrain, IUsageRefreshGrain
{
    public const string StateName = StateNames.UsageRefresh;
    protected override string RefreshReminder => "cucos-usage";
    protected override string ResumeReminder => "cucos-usage-resume";
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
    protected override bool Underway => state.State.RefreshId is not null;

    private string Ecosystem => this.GetPrimaryKeyString();
    private UsageSettings Settings => services.GetService<UsageSettings>() ?? UsageSettings.From(services.GetService<IConfiguration>());
    private IUsageStore Store => services.GetRequiredService<IUsageStore>();
    protected override TimeProvider Time => services.GetService<TimeProvider>() ?? TimeProvider.System;

    public Task EnsureScheduledAsync() => EnsureRemindersAsync();

    public Task<UsageRefreshStatus> GetStatusAsync() => Task.FromResult(state.State with { });

    protected override async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var current = state.State;
        try
        {
            var settings = Settings;
            if (current.RefreshId is null)
            {
                current.RefreshId = Guid.NewGuid().ToString("N");
                current.StartedAt = Time.GetUtcNow();
                current.JobId = null;
                current.JobLocation = null;
                current.PageToken = null;
                current.PagesStored = 0;
                current.RowsStored = 0;
                current.Attempts = 0;
                current.RetryAt = null;
                await state.WriteStateAsync(cancellationToken);
                await KeepResumingAsync(cancellationToken);
            }
            current.Attempts++;
            var client = services.GetRequiredService<BigQueryClients>().For(settings);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (current.PagesStored > 0 && current.PageToken is null)
                    break;
                BigQueryPage page;
                if (current.JobId is null)
                {
                    page = await client.QueryAsync(settings.QueryFor(Ecosystem), cancellationToken);
                    if (page.JobId is null)
                        throw new BigQueryException("BigQuery jobs.query answered without a jobReference: check " + UsageSettings.BaseUrlKey + ".", retryLater: true);
                    current.JobId = page.JobId;
                    current.JobLocation = page.Location;
                    if (!page.JobComplete)
                    {
                        await state.WriteStateAsync(cancellationToken);
                        await Task.Delay(settings.PollInterval, Time, cancellationToken);
                        continue;
                    }
                }
                else
                {
                    page = await client.GetQueryResultsAsync(current.JobId, current.JobLocation, current.PageToken, cancellationToken);
                    if (!page.JobComplete)
                    {
                        await Task.Delay(settings.PollInterval, Time, cancellationToken);
                        continue;
                    }
                }
                // The page first, then the token that moves past it: a crash between the two re-reads one page, idempotently.
                await Store.SavePageAsync(Ecosystem, current.RefreshId, page.Rows, cancellationToken);
                current.PagesStored++;
                current.RowsStored += page.Rows.Count;
                current.PageToken = page.PageToken;
                await state.WriteStateAsync(cancellationToken);
                if (page.SkippedRows > 0)
                    LogSkippedRows(logger, Ecosystem, page.SkippedRows);
            }
            var summary = await Store.PublishAsync(Ecosystem, current.RefreshId, Time.GetUtcNow(), cancellationToken);
            current.LastRefreshedAt = summary.RefreshedAt;
            current.LastPackages = summary.Packages;
            current.LastError = null;
            Finish(current);
            await state.WriteStateAsync(cancellationToken);
            await StopResumingAsync();
            LogRefreshed(logger, Ecosystem, summary.Packages);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Deactivating: the stored progress is where the next activation resumes.
        }
        catch (Exception exception) when (exception is BigQueryException { RetryLater: true })
        {
            current.LastError = exception.Message;
            current.RetryAt = Time.GetUtcNow() + Settings.RetryDelay;
            await state.WriteStateAsync(CancellationToken.None);
            LogRetryLater(logger, Ecosystem, current.RetryAt.Value, exception.Message);
        }
        catch (Exception exception) when (exception is BigQueryException or UsageConfigurationException)
        {
            // Nothing a retry would change: the refresh is abandoned until the settings change and the daily tick comes.
            current.LastError = exception.Message;
            Finish(current);
            await state.WriteStateAsync(CancellationToken.None);
            await StopResumingAsync();
            LogAbandoned(logger, Ecosystem, exception.Message);
        }
        catch (Exception exception)
        {
            current.LastError = $"{exception.GetType().Name}: {exception.Message}";
            current.RetryAt = Time.GetUtcNow() + Settings.RetryDelay;
            await state.WriteStateAsync(CancellationToken.None);
            LogRetryLater(logger, Ecosystem, current.RetryAt.Value, current.LastError);
        }
    }

    private static void Finish(UsageRefreshStatus current)
    {
        current.RefreshId = null;
        current.StartedAt = null;
        current.JobId = null;
        current.JobLocation = null;
        current.PageToken = null;
        current.PagesStored = 0;
        current.RowsStored = 0;
        current.RetryAt = null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "usage figures of {Ecosystem} refreshed: {Packages} packages")]
    private static partial void LogRefreshed(ILogger logger, string ecosystem, long packages);

    [LoggerMessage(Level = LogLevel.Warning, Message = "usage refresh of {Ecosystem} paused until {RetryAt}: {Reason}")]
    private static partial void LogRetryLater(ILogger logger, string ecosystem, DateTimeOffset retryAt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "usage refresh of {Ecosystem} abandoned until the next daily tick: {Reason}")]
    private static partial void LogAbandoned(ILogger logger, string ecosystem, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "usage query of {Ecosystem} gave {Count} rows without a package name or count; they were skipped")]
    private static partial void LogSkippedRows(ILogger logger, string ecosystem, int count);
}

/// <summary>One <see cref="BigQueryClient"/> per silo and settings, so its access token is shared and reused until it expires.</summary>
public sealed class BigQueryClients : IDisposable
{
    private readonly Lock gate = new();
    private (UsageSettings Settings, BigQueryClient Client)? current;

    public BigQueryClient For(UsageSettings settings)
    {
        lock (gate)
        {
            if (current is { } known && known.Settings == settings)
                return known.Client;
            current?.Client.Dispose();
            var client = new BigQueryClient(settings);
            current = (settings, client);
            return client;
        }
    }

    public void Dispose() => current?.Client.Dispose();
}
