using System.Text.Json;

namespace Cucos.Orleans.Grains.Results;

[GenerateSerializer, Alias("cucos.TaskResultState")]
public sealed record TaskResultState
{
    [Id(0)] public JsonElement? Document { get; set; }
    [Id(1)] public DateTimeOffset? StoredAt { get; set; }
}

/// <summary>One task's result document in one analysis. Saving again overwrites: a retried task stores one result.</summary>
public sealed class TaskResultGrain(
    [PersistentState(StateNames.TaskResult, StateNames.StorageProvider)] IPersistentState<TaskResultState> state)
    : Grain, ITaskResultGrain
{
    public async Task SaveAsync(JsonElement document)
    {
        state.State.Document = document;
        state.State.StoredAt = DateTimeOffset.UtcNow;
        await state.WriteStateAsync();
    }

    public Task<JsonElement?> GetAsync() => Task.FromResult(state.State.Document);
}
