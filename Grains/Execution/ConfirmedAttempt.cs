using Cucos.Messages;
using Cucos.State;

namespace Cucos.Grains.Execution;

/// <summary>
/// An attempt its analysis confirmed it dispatched, with what it runs on: the analysis' own request, the cache folder
/// this silo derives from its cache root, and for a callback every task of the analysis.
/// </summary>
public sealed record ConfirmedAttempt(TaskAttempt Attempt, AnalysisRequest Request, string CachePath, Dictionary<string, AnalysisTask>? AnalysisTasks = null);
