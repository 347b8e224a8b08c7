using Cucos.Grains.Execution;
using Cucos.Messages;
using Orleans.Placement;

namespace Cucos.Grains.Callbacks;

/// <summary>
/// Runs a callback task once per attempt, however often it is asked. The analysis stores each callback attempt
/// before invoking it and gives a lost one a new attempt number, so the same attempt can only come twice to this
/// activation (a retried call); remembering the started attempt in memory is enough, and costs no write.
/// </summary>
[PreferLocalPlacement]
public sealed class CallbackGrain(TaskExecutor executor, ILocalSiloDetails silo) : Grain, ICallbackGrain
{
    private int startedAttempt;
    private int invocations;

    public Task<string> InvokeAsync(TaskAttempt invocation)
    {
        if (invocation.Attempt > startedAttempt)
        {
            startedAttempt = invocation.Attempt;
            invocations++;
            executor.Start(invocation);
        }
        return Task.FromResult(silo.SiloAddress.ToParsableString());
    }

    public Task<int> GetInvocationCountAsync() => Task.FromResult(invocations);
}
