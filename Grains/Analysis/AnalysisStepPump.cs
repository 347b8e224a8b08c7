using Cucos.Grains.Flow;
using Cucos.Grains.Telemetry;
using Cucos.State;

namespace Cucos.Grains.Analysis;

/// <summary>What a step does outside the analysis' memory: the grain's storage, timers, cache folder and messages.</summary>
public interface IAnalysisStepEffects
{
    /// <summary>The analysis as it is in memory; null until it is started.</summary>
    AnalysisSnapshot? Analysis { get; }

    Task WriteStateAsync();

    /// <summary>A write failed: memory is now ahead of storage, and the activation must be replaced.</summary>
    void WriteFailed(Exception exception);

    /// <summary>The finished analysis is stored: stop its wake-ups, remove its cache folder.</summary>
    Task FinishAsync(AnalysisSnapshot analysis, DateTimeOffset now);

    /// <summary>Hands the ready attempts over; returns those that could not be handed over, with the reason.</summary>
    Task<IReadOnlyList<UndeliveredAttempt>> DispatchAsync(AnalysisSnapshot analysis, IReadOnlyList<AnalysisTask> ready);

    /// <summary>Makes sure the analysis wakes up when something is next due.</summary>
    Task ArmWakeUpsAsync(AnalysisSnapshot analysis, DateTimeOffset now);
}

/// <summary>An attempt the executor or callback grain did not take, and why.</summary>
public sealed record UndeliveredAttempt(AnalysisTask Task, Exception Error);

/// <summary>
/// The only writer of one analysis' state. Every change (start, report, wake-up) is queued; the pump applies all queued
/// changes together, advances the flow, writes the state once, tells waiting clients, then dispatches what became
/// ready. Changes that arrive while a step is in flight go together into the next step, so six reports that arrive
/// at once cost one or two writes, not six.
/// </summary>
/// <remarks>
/// A write that fails leaves memory ahead of storage: the pump then takes no more changes (<see cref="IsBroken"/>)
/// and every caller of that step gets the error, so their retries are applied afresh by the next activation.
/// The grain is reentrant; the pump relies on running on its single-threaded scheduler, as grain code does.
/// </remarks>
public sealed class AnalysisStepPump(
    string analysisId,
    string localSilo,
    AnalysisFlow flow,
    IAnalysisStepEffects effects,
    TimeProvider clock,
    CucosTelemetry telemetry)
{
    private readonly List<PendingChange> pending = [];
    private TaskCompletionSource published = NewSignal();

    /// <summary>True while the pump works through the queue.</summary>
    public bool IsPumping { get; private set; }

    /// <summary>True while a step has changed the state in memory but not yet persisted and published it.</summary>
    public bool IsStepping { get; private set; }

    /// <summary>True once a write failed: this activation's memory is ahead of storage.</summary>
    public bool IsBroken { get; private set; }

    /// <summary>
    /// Completes when the step in flight ends: persisted (and for a finished analysis its clean-up done), or failed,
    /// which leaves the pump <see cref="IsBroken"/>.
    /// </summary>
    public Task Published => published.Task;

    /// <summary>
    /// Queues a change and returns once the step that applied it is persisted. <paramref name="apply"/> gets the
    /// step's time and says whether it changed the state; a <paramref name="wake"/> change runs a step even when it did not.
    /// </summary>
    public Task ChangeAsync(Func<DateTimeOffset, bool> apply, bool wake = false)
    {
        ThrowIfBroken();
        var change = new PendingChange(apply, wake);
        pending.Add(change);
        if (!IsPumping)
            _ = PumpAsync();
        return change.Done.Task;
    }

    private InvalidOperationException Broken() =>
        new($"analysis {analysisId}: this activation lost a write and is being replaced; try again.");

    private async Task PumpAsync()
    {
        IsPumping = true;
        try
        {
            while (pending.Count > 0)
            {
                var batch = pending.ToArray();
                pending.Clear();
                using var activity = CucosTelemetry.StartStep(analysisId, batch.Length);
                try
                {
                    if (IsBroken)
                        throw Broken();
                    var now = clock.GetUtcNow();
                    var changedState = false;
                    foreach (var change in batch)
                        changedState |= change.Apply(now);
                    if (effects.Analysis is { } analysis && (changedState || batch.Any(c => c.Wake)))
                        await StepAsync(analysis, now, changedState);
                    foreach (var change in batch)
                        change.Done.TrySetResult();
                }
                catch (Exception exception)
                {
                    foreach (var change in batch)
                        change.Done.TrySetException(exception);
                }
            }
        }
        finally
        {
            IsPumping = false;
        }
    }

    /// <summary>
    /// Advances the flow and persists once. Waiting clients hear of the change only after it is persisted and,
    /// for a finished analysis, after its clean-up. Then it dispatches what became ready.
    /// </summary>
    private async Task StepAsync(AnalysisSnapshot analysis, DateTimeOffset now, bool changedAlready)
    {
        var ready = flow.Advance(analysis, now);
        var finished = flow.TryFinish(analysis, now);
        if (!changedAlready && ready.Count == 0 && !finished)
        {
            // Memory is not ahead of storage, so readers need not wait: the wake-up registration is a reminder write,
            // which can take seconds while the cluster finds out that a silo died, and a reader held by a step that
            // publishes nothing would wait for the next step that does.
            await effects.ArmWakeUpsAsync(analysis, now);
            return;
        }
        // Workers are stateless workers on this silo and callbacks prefer it too, so the attempt runs here:
        // stored now, a successor activation can tell at once that this silo died with its attempts.
        foreach (var run in ready)
            run.RunningOn = localSilo;
        await StoreAndPublishAsync(analysis, async () =>
        {
            telemetry.AttemptsStarted(ready);
            if (finished)
            {
                telemetry.AnalysisFinished(analysis.Status);
                await effects.FinishAsync(analysis, now);
            }
        });
        if (finished)
            return;
        var undelivered = await effects.DispatchAsync(analysis, ready);
        if (undelivered.Count > 0)
        {
            var failedAt = clock.GetUtcNow();
            var changedRuns = undelivered.Count(u => AnalysisFlow.DispatchFailed(analysis, u.Task.Name, u.Task.Attempts, u.Error, failedAt));
            if (changedRuns > 0)
                await StoreAndPublishAsync(analysis, afterStore: null);
        }
        await effects.ArmWakeUpsAsync(analysis, now);
    }

    /// <summary>
    /// Writes the step's state and then tells the readers waiting for it, whether the write worked or not: after a
    /// failed one they find the pump broken (<see cref="WaitUntilStoredAsync"/> throws) instead of waiting for a step
    /// that never comes, which would also keep the activation from ever going idle and being replaced.
    /// </summary>
    private async Task StoreAndPublishAsync(AnalysisSnapshot analysis, Func<Task>? afterStore)
    {
        IsStepping = true;
        try
        {
            analysis.Revision++;
            await PersistAsync();
            if (afterStore is not null)
                await afterStore();
        }
        finally
        {
            IsStepping = false;
            Publish();
        }
    }

    /// <summary>
    /// Returns once memory is not ahead of storage, so what the caller reads next is stored; throws when this
    /// activation lost a write, for the caller to ask again (the next activation reads the stored state).
    /// </summary>
    public async Task WaitUntilStoredAsync()
    {
        while (IsStepping)
            await Published;
        ThrowIfBroken();
    }

    /// <summary>Throws when this activation lost a write: its memory is ahead of storage and must not be handed out.</summary>
    public void ThrowIfBroken()
    {
        if (IsBroken)
            throw Broken();
    }

    private async Task PersistAsync()
    {
        try
        {
            await effects.WriteStateAsync();
        }
        catch (Exception exception)
        {
            IsBroken = true;
            effects.WriteFailed(exception);
            throw;
        }
    }

    private void Publish()
    {
        var previous = published;
        published = NewSignal();
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed record PendingChange(Func<DateTimeOffset, bool> Apply, bool Wake)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
