using Cucos.Grains.Execution;
using Cucos.Messages;
using Orleans.Concurrency;

namespace Cucos.Grains.Execution;

/// <summary>Hands attempts to the silo's <see cref="TaskExecutor"/>; stateless, activated on the caller's silo.</summary>
[StatelessWorker]
public sealed class ExecutorGrain(TaskExecutor executor, ILocalSiloDetails silo) : Grain, IExecutorGrain
{
    public Task<string> StartAsync(TaskAttempt[] invocations)
    {
        executor.Start(invocations);
        return Task.FromResult(silo.SiloAddress.ToParsableString());
    }

    public Task<int> CancelAsync(TaskAttempt[] attempts) => Task.FromResult(executor.Cancel(attempts));
}
