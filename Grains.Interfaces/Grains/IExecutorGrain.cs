using Cucos.Messages;

namespace Cucos.Grains;

/// <summary>A stateless worker that accepts task attempts and runs them off the grain scheduler.</summary>
[Alias("cucos.IExecutorGrain")]
public interface IExecutorGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Accepts the attempts (those an analysis step made ready, in one message) and returns at once with the silo
    /// that runs them; each outcome comes back to the analysis as a report.
    /// </summary>
    [Alias("StartMany")]
    Task<string> StartAsync(TaskAttempt[] invocations);
}
