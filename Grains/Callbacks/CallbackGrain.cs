using Cucos.Grains.Execution;
using Cucos.Messages;
using Orleans.Placement;

namespace Cucos.Grains.Callbacks;

/// <summary>
/// Runs a callback task once per attempt, however often it is asked. The analysis stores each callback attempt
/// before invoking it and gives a lost one a new attempt number, so the same attempt can only come twice to this
/// activation (a retried call); remembering the started attempts in memory is enough, and costs no write. Which
/// attempt is real is the analysis' word, asked by the executor: an attempt number no analysis dispatched runs
/// nothing and keeps no real one out.
/// </summary>
[PreferLocalPlacement]
public sealed class CallbackGrain(TaskExecutor executor, ILocalSiloDetails silo) : Grain, ICallbackGrain
{
    private readonly HashSet<int> startedAttempts = [];

    public Task<string> InvokeAsync(TaskAttempt invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (startedAttempts.Add(invocation.Attempt))
            executor.Start([invocation]);
        return Task.FromResult(silo.SiloAddress.ToParsableString());
    }

    public Task<int> GetInvocationCountAsync() => Task.FromResult(startedAttempts.Count);
}
