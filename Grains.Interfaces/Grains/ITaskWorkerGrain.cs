using Cucos.Orleans.Messages;

namespace Cucos.Orleans.Grains;

/// <summary>A stateless worker that accepts task attempts and runs them off the grain scheduler.</summary>
[Alias("cucos.ITaskWorkerGrain")]
public interface ITaskWorkerGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Accepts the attempt and returns at once with the silo that runs it; the outcome comes back to the analysis as a report.
    /// </summary>
    [Alias("Start")]
    Task<string> StartAsync(TaskInvocation invocation);
}
