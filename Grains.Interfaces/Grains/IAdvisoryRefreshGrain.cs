using Cucos.Advisories;

namespace Cucos.Grains;

/// <summary>
/// The refresh of one advisory source (the key is the source's name, e.g. "directory"): one activation in the
/// cluster, so a source is never refreshed twice at once. A reminder starts it every
/// <c>Cucos:Advisories:RefreshInterval</c>; it imports the source when a part's digest changed, then re-runs
/// security_issues of the analyses whose findings change. An interrupted refresh resumes from its stored progress.
/// </summary>
[Alias("cucos.IAdvisoryRefreshGrain")]
public interface IAdvisoryRefreshGrain : IGrainWithStringKey
{
    /// <summary>Registers the refresh reminder (idempotent) and resumes a refresh that was under way.</summary>
    [Alias("EnsureScheduled")]
    Task EnsureScheduledAsync();

    /// <summary>Starts a refresh now unless one is under way; returns at once, the refresh runs in the activation.</summary>
    [Alias("RefreshNow")]
    Task RefreshNowAsync();

    [Alias("GetStatus")]
    Task<AdvisoryRefreshStatus> GetStatusAsync();
}

/// <summary>Where one source's refresh stands, as stored in the grain's state.</summary>
[GenerateSerializer, Alias("cucos.AdvisoryRefreshStatus")]
public sealed record AdvisoryRefreshStatus
{
    /// <summary>The refresh under way (the store tags the rows it changes with this id), or null between refreshes.</summary>
    [Id(0)] public string? ImportId { get; set; }
    [Id(1)] public DateTimeOffset? StartedAt { get; set; }
    /// <summary>The parts' digests the refresh under way found, which become <see cref="Digests"/> when it completes.</summary>
    [Id(2)] public Dictionary<string, string>? NewDigests { get; set; }
    /// <summary>The import is done and <see cref="Pending"/> lists the analyses to re-run.</summary>
    [Id(3)] public bool Imported { get; set; }
    [Id(4)] public List<AdvisoryRerunCandidate> Pending { get; set; } = [];
    /// <summary>How many of <see cref="Pending"/> were re-run: a resumed refresh goes on with the next.</summary>
    [Id(5)] public int Rerun { get; set; }
    /// <summary>The parts' digests of the last completed refresh: an unchanged source is not imported again.</summary>
    [Id(6)] public Dictionary<string, string> Digests { get; set; } = [];
    [Id(7)] public DateTimeOffset? LastRefreshedAt { get; set; }
    /// <summary>What the last completed refresh did: records changed, analyses re-run.</summary>
    [Id(8)] public int LastChanged { get; set; }
    [Id(9)] public int LastReruns { get; set; }
    [Id(10)] public string? LastError { get; set; }
    [Id(11)] public DateTimeOffset? RetryAt { get; set; }
    [Id(12)] public int Attempts { get; set; }
    /// <summary>Refreshes completed, for operators and tests: a tick that found nothing changed counts too.</summary>
    [Id(13)] public int Completed { get; set; }
}
