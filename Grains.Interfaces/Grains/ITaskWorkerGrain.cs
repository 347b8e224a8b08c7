using Cucos.Orleans.Messages;

namespace Cucos.Orleans.Grains;

/// <summary>A stateless worker that accepts task attempts and runs them off the grain scheduler.</summary>
[Alias("cucos.ITaskWorkerGrain")]
public interface ITaskWorkerGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Accepts the attempts (those an analysis step made ready, in one message) and returns at once with the silo
    /// that runs them; each outcome comes back to the analysis as a report.
    /// </summary>
    [Alias("StartMany")]
    Task<string> StartAsync(TaskInvocation[] invocations);
}
