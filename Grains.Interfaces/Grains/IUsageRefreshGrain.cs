using Cucos.Usage;

namespace Cucos.Grains;

/// <summary>
/// The usage refresh of one ecosystem (the key is the ecosystem id): one activation in the cluster, so two silos never
/// run the same refresh. A reminder starts it every <c>Cucos:Usage:RefreshInterval</c>; an interrupted refresh resumes
/// from its stored job and page token.
/// </summary>
[Alias("cucos.IUsageRefreshGrain")]
public interface IUsageRefreshGrain : IGrainWithStringKey
{
    /// <summary>Registers the daily reminder (idempotent) and resumes a refresh that was under way.</summary>
    [Alias("EnsureScheduled")]
    Task EnsureScheduledAsync();

    /// <summary>Starts a refresh now unless one is under way; returns at once, the refresh runs in the activation.</summary>
    [Alias("RefreshNow")]
    Task RefreshNowAsync();

    [Alias("GetStatus")]
    Task<UsageRefreshStatus> GetStatusAsync();
}

/// <summary>Where one ecosystem's refresh stands, as stored in the grain's state.</summary>
[GenerateSerializer, Alias("cucos.UsageRefreshStatus")]
public sealed record UsageRefreshStatus
{
    /// <summary>The refresh under way (its rows are staged under this id), or null between refreshes.</summary>
    [Id(0)] public string? RefreshId { get; set; }
    [Id(1)] public DateTimeOffset? StartedAt { get; set; }
    /// <summary>The BigQuery job of the refresh under way, once <c>jobs.query</c> answered.</summary>
    [Id(2)] public string? JobId { get; set; }
    [Id(3)] public string? JobLocation { get; set; }
    /// <summary>The page token of the next page to read; null before the first page and after the last.</summary>
    [Id(4)] public string? PageToken { get; set; }
    /// <summary>Pages read and stored: a resumed refresh goes on with the page after these.</summary>
    [Id(5)] public int PagesStored { get; set; }
    [Id(6)] public long RowsStored { get; set; }
    [Id(7)] public DateTimeOffset? LastRefreshedAt { get; set; }
    [Id(8)] public long LastPackages { get; set; }
    /// <summary>Why the last try stopped (a quota, a bad setting), without secrets; cleared when a refresh completes.</summary>
    [Id(9)] public string? LastError { get; set; }
    /// <summary>When a refresh stopped by a quota or an outage is tried again.</summary>
    [Id(10)] public DateTimeOffset? RetryAt { get; set; }
    [Id(11)] public int Attempts { get; set; }
}
