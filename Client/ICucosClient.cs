using System.Text.Json;
using Cucos.Messages;
using Cucos.State;

namespace Cucos.Client;

/// <summary>Starts analyses and reads their state and results, against an embedded or a remote cluster.</summary>
public interface ICucosClient
{
    /// <summary>
    /// Starts an analysis of the request's package version, or returns the current one when there is one
    /// and the request does not say <c>Force</c>. Throws <see cref="ArgumentException"/> for a request that is not valid.
    /// </summary>
    Task<AnalysisTicket> StartAnalysisAsync(AnalysisRequest request, CancellationToken cancellationToken = default);

    /// <summary>Waits until the analysis finished and returns it; <paramref name="progress"/> sees every change on the way.</summary>
    /// <exception cref="AnalysisNotFoundException">No analysis has this id.</exception>
    Task<AnalysisSnapshot> WaitForCompletionAsync(string analysisId, IProgress<AnalysisSnapshot>? progress, CancellationToken cancellationToken = default);

    /// <summary>Waits until the analysis finished and returns it.</summary>
    /// <exception cref="AnalysisNotFoundException">No analysis has this id.</exception>
    Task<AnalysisSnapshot> WaitForCompletionAsync(string analysisId, CancellationToken cancellationToken = default);

    /// <summary>The analysis with per-task status, timestamps, attempts and errors; null when no analysis has this id.</summary>
    Task<AnalysisSnapshot?> GetAnalysisAsync(string analysisId, CancellationToken cancellationToken = default);

    /// <summary>One task's stored result document; null when the task stored none (yet).</summary>
    Task<JsonElement?> GetResultAsync(string analysisId, string taskName, CancellationToken cancellationToken = default);
}

public sealed class AnalysisNotFoundException(string analysisId)
    : Exception($"no analysis has the id '{analysisId}'. Check the id that StartAnalysisAsync returned.")
{
    public string AnalysisId { get; } = analysisId;
}
