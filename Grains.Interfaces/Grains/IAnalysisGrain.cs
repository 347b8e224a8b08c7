using Cucos.Messages;
using Cucos.State;
using Orleans.Concurrency;

namespace Cucos.Grains;

/// <summary>One analysis, keyed by its id: runs init, fans out the workers, collects their reports, calls the callback.</summary>
[Alias("cucos.IAnalysisGrain")]
public interface IAnalysisGrain : IGrainWithStringKey
{
    /// <summary>Starts the analysis; a second call returns the existing state and changes nothing.</summary>
    [Alias("Start")]
    Task<AnalysisSnapshot> StartAsync(AnalysisRequest request);

    /// <summary>
    /// Workers' reports of attempts (those that ended together), applied in one step. A duplicate or stale report
    /// changes nothing.
    /// </summary>
    [Alias("Report")]
    Task ReportAsync(AttemptReport[] reports);

    /// <summary>The analysis as it stands, or null when no analysis has this id.</summary>
    [Alias("Get")]
    Task<AnalysisSnapshot?> GetAsync();

    /// <summary>Returns once the analysis has a revision newer than <paramref name="knownRevision"/>, or after <paramref name="maxWait"/>.</summary>
    [Alias("WaitForChange"), AlwaysInterleave]
    Task<AnalysisSnapshot?> WaitForChangeAsync(long knownRevision, TimeSpan maxWait);
}
