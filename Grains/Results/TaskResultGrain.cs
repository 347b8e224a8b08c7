using System.Text.Json;

namespace Cucos.Orleans.Grains.Results;

[GenerateSerializer, Alias("cucos.TaskResultState")]
public sealed record TaskResultState
{
    [Id(0)] public JsonElement? Document { get; set; }
    [Id(1)] public DateTimeOffset? StoredAt { get; set; }
    [Id(2)] public int Attempt { get; set; }
}

/// <summary>One task's result document in one analysis. Saving again overwrites: a retried task stores one result.</summary>
public sealed class TaskResultGrain(
    [PersistentState(StateNames.TaskResult, StateNames.StorageProvider)] IPersistentState<TaskResultState> state)
    : Grain, ITaskResultGrain
{
    public async Task<bool> SaveAsync(int attempt, JsonElement document)
    {
        if (attempt < state.State.Attempt)
            return false;
        state.State.Attempt = attempt;
        state.State.Document = document;
        state.State.StoredAt = DateTimeOffset.UtcNow;
        await state.WriteStateAsync();
        return true;
    }

    public Task<JsonElement?> GetAsync() => Task.FromResult(state.State.Document);
}
