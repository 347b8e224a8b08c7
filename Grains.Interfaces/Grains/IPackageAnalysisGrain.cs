using Cucos.Messages;

namespace Cucos.Grains;

/// <summary>
/// One per package version, keyed by <c>ecosystem:name:version</c>. Its single activation makes concurrent
/// requests for the same version share one analysis.
/// </summary>
[Alias("cucos.IPackageAnalysisGrain")]
public interface IPackageAnalysisGrain : IGrainWithStringKey
{
    /// <summary>Returns the current analysis of this version, starting one if there is none or if the request says force.</summary>
    [Alias("Start"), ClientCallable]
    Task<AnalysisTicket> StartAsync(AnalysisRequest request);

    /// <summary>Every analysis started for this version, oldest first.</summary>
    [Alias("History"), ClientCallable]
    Task<string[]> GetHistoryAsync();
}
