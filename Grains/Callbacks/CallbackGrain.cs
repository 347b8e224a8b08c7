using Cucos.Orleans.Grains.Execution;
using Cucos.Orleans.Messages;
using Orleans.Placement;

namespace Cucos.Orleans.Grains.Callbacks;

[GenerateSerializer, Alias("cucos.CallbackState")]
public sealed record CallbackState
{
    /// <summary>The highest attempt started; an invocation for it or an earlier one is a duplicate.</summary>
    [Id(0)] public int StartedAttempt { get; set; }
    [Id(1)] public int Invocations { get; set; }
}

/// <summary>
/// Runs a callback task once per attempt, however often the analysis asks: the started attempt is stored
/// before the body runs, so a duplicate invocation (a retried call, a replayed reminder) is ignored.
/// </summary>
[PreferLocalPlacement]
public sealed class CallbackGrain(
    [PersistentState(StateNames.Callback, StateNames.StorageProvider)] IPersistentState<CallbackState> state,
    TaskExecutor executor,
    ILocalSiloDetails silo)
    : Grain, ICallbackGrain
{
    public async Task<string> InvokeAsync(TaskInvocation invocation)
    {
        var here = silo.SiloAddress.ToParsableString();
        if (invocation.Attempt <= state.State.StartedAttempt)
            return here;
        state.State.StartedAttempt = invocation.Attempt;
        state.State.Invocations++;
        await state.WriteStateAsync();
        executor.Start(invocation);
        return here;
    }

    public Task<int> GetInvocationCountAsync() => Task.FromResult(state.State.Invocations);
}
