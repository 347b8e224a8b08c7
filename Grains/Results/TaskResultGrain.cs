using System.Text.Json;

namespace Cucos.Grains.Results;

[GenerateSerializer, Alias("cucos.TaskResultState")]
public sealed record TaskResultState
{
    [Id(0)] public JsonElement? Document { get; set; }
    [Id(1)] public DateTimeOffset? StoredAt { get; set; }
    [Id(2)] public int Attempt { get; set; }
}

/// <summary>
/// Reads one task's result document in one analysis. Workers write the row directly through grain storage
/// (<see cref="StorageTaskResultStore"/>), so every read goes to storage rather than to this activation's copy.
/// </summary>
public sealed class TaskResultGrain(
    [PersistentState(StateNames.TaskResult, StateNames.StorageProvider)] IPersistentState<TaskResultState> state)
    : Grain, ITaskResultGrain
{
    public async Task<JsonElement?> GetAsync()
    {
        await state.ReadStateAsync();
        return state.State.Document;
    }
}
