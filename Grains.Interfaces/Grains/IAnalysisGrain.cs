using Cucos.Messages;
using Cucos.State;
using Orleans.Concurrency;

namespace Cucos.Grains;

/// <summary>One analysis, keyed by its id: runs init, fans out the workers, collects their reports, calls the callback.</summary>
[Alias("cucos.IAnalysisGrain")]
public interface IAnalysisGrain : IGrainWithStringKey
{
    /// <summary>Starts the analysis; a second call returns the existing state and changes nothing.</summary>
    [Alias("Start")]
    Task<AnalysisSnapshot> StartAsync(AnalysisRequest request);

    /// <summary>
    /// Workers' reports of attempts (those that ended together), applied in one step. A duplicate or stale report
    /// changes nothing.
    /// </summary>
    [Alias("Report")]
    Task ReportAsync(AttemptReport[] reports);

    /// <summary>
    /// Which of <paramref name="attempts"/> this analysis dispatched and still runs, with its request; null when no
    /// analysis has this id. The executor asks before it runs anything, so it only runs what the analysis dispatched.
    /// Those of them in <paramref name="starting"/> have a task slot and run once confirmed: they are marked started
    /// (<see cref="AnalysisTask.AttemptStartedAt"/>); the others wait in the executor's queue and are announced with
    /// <see cref="AttemptStartingAsync"/> when they leave it.
    /// </summary>
    [Alias("ConfirmDispatched")]
    Task<DispatchedAttempts?> ConfirmDispatchedAsync(TaskAttempt[] attempts, TaskAttempt[] starting);

    /// <summary>
    /// The executor took a task slot for a confirmed attempt that waited for one: true when it is still the attempt
    /// running now, which is then marked started and runs; false when it is stale (its lease ran out meanwhile, the
    /// analysis was cancelled), and the executor drops it. An attempt lost with its silo before it started does not
    /// count against the task's retry policy, so this is how the analysis tells the two apart.
    /// </summary>
    [Alias("AttemptStarting")]
    Task<bool> AttemptStartingAsync(TaskAttempt attempt);

    /// <summary>
    /// Re-runs one task of this finished analysis: a new attempt of it, then of the tasks that depend on it or that
    /// it spawned, and the callbacks above them, so the analysis runs again and its callback runs once it is final
    /// again. Recorded in <see cref="AnalysisSnapshot.Reruns"/>. A second call while that re-run is pending changes
    /// nothing and answers <see cref="TaskRerunOutcome.AlreadyPending"/>. Throws <see cref="TaskRerunRefusedException"/>
    /// for an unknown analysis or task, an analysis still running, or a task whose prerequisites did not succeed.
    /// </summary>
    /// <param name="requestedBy">Who asks, for the audit trail (the API's caller, a refresh grain); "unknown" when null.</param>
    [Alias("RerunTask")]
    Task<TaskRerunResult> RerunTaskAsync(string taskName, string reason, string? requestedBy = null);

    /// <summary>
    /// Cancels the analysis: running attempts are told to stop, nothing new is dispatched, its callbacks run once and it
    /// ends <see cref="AnalysisStatus.Cancelled"/>; stored results are kept. Returns the analysis once the cancel is stored
    /// (null when no analysis has this id); on a finished or cancelled analysis it changes nothing.
    /// </summary>
    [Alias("Cancel"), ClientCallable]
    Task<AnalysisSnapshot?> CancelAsync();

    /// <summary>The analysis as it stands, or null when no analysis has this id.</summary>
    [Alias("Get"), ClientCallable]
    Task<AnalysisSnapshot?> GetAsync();

    /// <summary>Returns once the analysis has a revision newer than <paramref name="knownRevision"/>, or after <paramref name="maxWait"/>.</summary>
    [Alias("WaitForChange"), AlwaysInterleave, ClientCallable]
    Task<AnalysisSnapshot?> WaitForChangeAsync(long knownRevision, TimeSpan maxWait);
}
