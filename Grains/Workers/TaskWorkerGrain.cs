using Cucos.Orleans.Grains.Execution;
using Cucos.Orleans.Messages;
using Orleans.Concurrency;

namespace Cucos.Orleans.Grains.Workers;

/// <summary>Hands attempts to the silo's <see cref="TaskExecutor"/>; stateless, activated on the caller's silo.</summary>
[StatelessWorker]
public sealed class TaskWorkerGrain(TaskExecutor executor, ILocalSiloDetails silo) : Grain, ITaskWorkerGrain
{
    public Task<string> StartAsync(TaskInvocation[] invocations)
    {
        foreach (var invocation in invocations)
            executor.Start(invocation);
        return Task.FromResult(silo.SiloAddress.ToParsableString());
    }
}
