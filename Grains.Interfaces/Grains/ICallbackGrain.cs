using Cucos.Messages;

namespace Cucos.Grains;

/// <summary>Runs a callback task once for an analysis, keyed by <c>analysisId/callbackName</c>.</summary>
[Alias("cucos.ICallbackGrain")]
public interface ICallbackGrain : IGrainWithStringKey
{
    /// <summary>
    /// Runs the callback for this attempt unless it already started, and returns the silo that runs it;
    /// the outcome comes back as a report.
    /// </summary>
    [Alias("Invoke")]
    Task<string> InvokeAsync(TaskAttempt invocation);

    /// <summary>How many times the callback body was started: 1 after a normal analysis.</summary>
    [Alias("Invocations"), ClientCallable]
    Task<int> GetInvocationCountAsync();
}
