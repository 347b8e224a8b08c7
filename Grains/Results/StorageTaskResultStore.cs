using System.Text.Json;
using Cucos.Sdk;
using Orleans.Storage;

namespace Cucos.Grains.Results;

/// <summary>
/// An analysis' results, written by the worker straight into grain storage, in the row of the task's
/// <see cref="TaskResultGrain"/> (state name <see cref="StateNames.TaskResult"/>), without activating that grain.
/// A write of an older attempt than the stored one is refused, so a late "zombie" attempt cannot overwrite its retry:
/// in one statement where the storage can compare attempts itself (<see cref="IOrderedGrainStorage"/>), otherwise
/// by reading the row and writing with its ETag. Any failure (the database restarting) is retried for
/// <paramref name="patience"/> before it fails the attempt: an outage does not use up a task's retries.
/// </summary>
public sealed class StorageTaskResultStore(IGrainStorage storage, IGrainFactory grains, string analysisId, TimeSpan patience) : ITaskResultStore
{
    public Task<bool> SaveAsync(string taskName, int attempt, JsonElement document, CancellationToken cancellationToken) =>
        ClusterErrors.RetryTransientAsync(async () =>
        {
            if (storage is IOrderedGrainStorage ordered)
                return await ordered.WriteUnlessNewerAsync(StateNames.TaskResult, GrainId(taskName),
                    new TaskResultState { Attempt = attempt, Document = document, StoredAt = DateTimeOffset.UtcNow }, attempt);
            var (row, stored) = await ReadAsync(taskName);
            if (attempt < stored.Attempt)
                return false;
            row.State = new TaskResultState { Attempt = attempt, Document = document, StoredAt = DateTimeOffset.UtcNow };
            // A concurrent writer changed the row since the read: InconsistentStateException, retried below with a fresh read.
            await storage.WriteStateAsync(StateNames.TaskResult, GrainId(taskName), row);
            return true;
        }, patience, cancellationToken, AnyFailure);

    public Task<JsonElement?> GetAsync(string taskName, CancellationToken cancellationToken) =>
        ClusterErrors.RetryTransientAsync(async () => (await ReadAsync(taskName)).State.Document, patience, cancellationToken, AnyFailure);

    private async Task<(GrainState<TaskResultState> Row, TaskResultState State)> ReadAsync(string taskName)
    {
        var row = new GrainState<TaskResultState>(new TaskResultState());
        await storage.ReadStateAsync(StateNames.TaskResult, GrainId(taskName), row);
        return (row, row.State ?? new TaskResultState());
    }

    private static bool AnyFailure(Exception exception) => exception is not OperationCanceledException;

    private GrainId GrainId(string taskName) =>
        grains.GetGrain<ITaskResultGrain>(GrainKeys.TaskResult(analysisId, taskName)).GetGrainId();
}
