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

    /// <summary>
    /// Cancels the CancellationToken of those <paramref name="attempts"/> this silo's executor runs (their analysis was
    /// cancelled); their reports are not sent. Returns how many it ran.
    /// </summary>
    [Alias("Cancel")]
    Task<int> CancelAsync(TaskAttempt[] attempts);
}
