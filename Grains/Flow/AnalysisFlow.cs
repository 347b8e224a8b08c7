using Cucos.Messages;
using Cucos.Sdk;
using Cucos.State;

namespace Cucos.Grains.Flow;

/// <summary>
/// The rules of one analysis as a pure state machine over <see cref="AnalysisSnapshot"/>: which tasks exist,
/// which may run, which are skipped, what a report changes. The analysis grain owns the state and the I/O.
/// </summary>
public sealed class AnalysisFlow(TaskRegistry registry, TimeSpan leaseGrace)
{
    public AnalysisSnapshot Create(string analysisId, AnalysisRequest request, string cachePath, DateTimeOffset now)
    {
        var snapshot = new AnalysisSnapshot
        {
            AnalysisId = analysisId,
            Request = request,
            CachePath = cachePath,
            CreatedAt = now,
            Status = AnalysisStatus.Running,
        };
        AddTask(snapshot, CucosFlow.RootTask, spawnedBy: null);
        AddWebhook(snapshot);
        return snapshot;
    }

    /// <summary>
    /// The webhook node of a request that names a URL: a callback of the root's callback (finalize), so it runs last, once
    /// the summary is written, and is reset with it by a re-run (one delivery per end of the analysis). Without a root
    /// callback it follows the root's subtree.
    /// </summary>
    private void AddWebhook(AnalysisSnapshot snapshot)
    {
        if (snapshot.Request.WebhookUrl is null || registry.Find(CucosFlow.WebhookTask) is not { } webhook)
            return;
        var target = registry.Graph.Find(CucosFlow.RootTask)?.Callback is { } rootCallback && snapshot.Tasks.ContainsKey(rootCallback)
            ? rootCallback
            : CucosFlow.RootTask;
        snapshot.Tasks[CucosFlow.WebhookTask] = new AnalysisTask
        {
            Name = CucosFlow.WebhookTask,
            Kind = AnalysisTaskKind.Callback,
            SpawnedBy = target,
            CallbackFor = target,
            MaxAttempts = webhook.RetryPolicy.MaxAttempts,
        };
    }

    /// <summary>The task, when <paramref name="attempt"/> is the attempt of it that is running now; null for any other (stale, never dispatched).</summary>
    public static AnalysisTask? RunningAttempt(AnalysisSnapshot analysis, string taskName, int attempt) =>
        analysis.Tasks.TryGetValue(taskName, out var run) && run.Status == AnalysisTaskStatus.Running && run.Attempts == attempt ? run : null;

    /// <summary>Applies a worker's report; false when it is a duplicate or stale and changes nothing.</summary>
    public bool ApplyReport(AnalysisSnapshot snapshot, AttemptReport report, DateTimeOffset now)
    {
        if (RunningAttempt(snapshot, report.TaskName, report.Attempt) is not { } run)
            return false;

        run.LeaseExpiresAt = null;
        if (report.Outcome == AttemptOutcome.Succeeded)
        {
            run.Status = AnalysisTaskStatus.Succeeded;
            run.EndedAt = report.EndedAt;
            run.Summary = report.Summary;
            // A cancelled analysis spawns nothing more (its callbacks still report).
            if (snapshot.CancelledAt is null)
                foreach (var child in ChildrenOf(snapshot, run))
                    AddTask(snapshot, child, spawnedBy: run.Name);
            return true;
        }

        var error = report.Error ?? new TaskError
        {
            Type = "Unknown", Message = "the task failed without saying why.", Attempt = report.Attempt, At = now,
        };
        Fail(run, error, report.RetryAfter, now);
        return true;
    }

    /// <summary>
    /// Counts as a failure of a lost worker every running attempt whose lease ran out, or whose silo
    /// <paramref name="siloIsDead"/> says has died. An attempt that was still waiting for a task slot never ran: it is
    /// counted apart (<see cref="AnalysisTask.QueuedLosses"/>), and is no fault of the task. An unstarted attempt that
    /// <paramref name="heldBySilo"/> says its silo still holds (waiting in the queue, most likely) keeps its place: its
    /// lease is extended (in memory only: if the silo dies, its death is seen anyway), and nothing needs storing.
    /// </summary>
    public bool ExpireLeases(AnalysisSnapshot snapshot, DateTimeOffset now, Func<string, bool>? siloIsDead = null, Func<AnalysisTask, bool>? heldBySilo = null)
    {
        var changed = false;
        foreach (var run in snapshot.Tasks.Values.Where(r => r.Status == AnalysisTaskStatus.Running))
        {
            var siloDied = run.RunningOn is { } silo && siloIsDead?.Invoke(silo) == true;
            if (!siloDied && !(run.LeaseExpiresAt < now))
                continue;
            var started = HasStarted(run);
            if (!siloDied && !started && heldBySilo?.Invoke(run) == true)
            {
                run.LeaseExpiresAt = now + registry.Get(run.Name).Timeout + leaseGrace;
                continue;
            }
            if (!started)
                run.QueuedLosses++;
            else if (siloDied)
                run.SiloLosses++;
            Fail(run, new TaskError
            {
                Type = "Cucos.WorkerLost",
                Message = (siloDied, started) switch
                {
                    (true, true) => $"the silo running attempt {run.Attempts} ({run.RunningOn}) died.",
                    (true, false) => $"the silo holding attempt {run.Attempts} ({run.RunningOn}) died while the attempt waited for a task slot; it never started.",
                    (false, true) => $"attempt {run.Attempts} did not report before its lease ran out at {run.LeaseExpiresAt:O}; the worker is presumed lost.",
                    (false, false) => $"attempt {run.Attempts} had not started when its lease ran out at {run.LeaseExpiresAt:O}; it is presumed lost in the queue of its silo ({run.RunningOn ?? "unknown"}).",
                },
                Attempt = run.Attempts,
                At = now,
            }, retryAfter: siloDied || !started ? RedispatchDelay : null, now);
            // A dead silo is no fault of the task: another silo takes the attempt over at once instead of after the
            // task's retry back-off, and the first ForgivenSiloLosses such losses do not count. Later ones do, so a
            // task that brings its silo down still runs out of attempts. An attempt that never left the queue is
            // dispatched again at once too, and counts only past ForgivenQueuedLosses.
            run.LeaseExpiresAt = null;
            changed = true;
        }
        return changed;
    }

    /// <summary>
    /// The executor took a slot for <paramref name="attempt"/> of <paramref name="taskName"/> and is about to run it:
    /// the attempt has started, and its lease runs from now, so time spent in the queue is not taken from the task's
    /// timeout. False (and nothing changed) when that is not the attempt running now: the executor then drops it.
    /// <paramref name="mustStore"/> says the mark must be stored before the attempt runs: the task has been lost with
    /// a silo before, so if this attempt takes its silo down too, the next activation must know it had started.
    /// Otherwise the mark goes to storage with the analysis' next write, which saves a write per attempt; a silo dying
    /// first makes the attempt a queued loss, which costs a task that crashes its silo one attempt more, at most.
    /// </summary>
    public bool AttemptStarted(AnalysisSnapshot snapshot, string taskName, int attempt, DateTimeOffset now, out bool mustStore)
    {
        mustStore = false;
        if (RunningAttempt(snapshot, taskName, attempt) is not { } run)
            return false;
        if (run.AttemptStartedAt is not null)
            return true;
        run.AttemptStartedAt = now;
        run.LeaseExpiresAt = now + registry.Get(run.Name).Timeout + leaseGrace;
        mustStore = run.SiloLosses + run.QueuedLosses > 0;
        return true;
    }

    /// <summary>Whether the current attempt has left its silo's queue; callbacks are run by their grain at once.</summary>
    private static bool HasStarted(AnalysisTask run) => run.Kind == AnalysisTaskKind.Callback || run.AttemptStartedAt is not null;

    /// <summary>
    /// Cancels the analysis: tasks that have not run are skipped, running attempts fail (fatally, so never retried) and
    /// are added to <paramref name="interrupted"/> for their executor to be told; callbacks still run once their subtree is
    /// final, which is now. False when the analysis is finished or already cancelled: a second cancel changes nothing.
    /// </summary>
    public static bool Cancel(AnalysisSnapshot snapshot, DateTimeOffset now, List<TaskAttempt> interrupted)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(interrupted);
        if (snapshot.IsFinished || snapshot.CancelledAt is not null)
            return false;
        // Once only the webhook is left the analysis has ended and is telling its receiver so: a cancel would change
        // the status after the first delivery attempt said it, so it changes nothing.
        if (snapshot.Tasks.Values.All(r => r.Name == CucosFlow.WebhookTask || r.Status.IsFinal()))
            return false;
        snapshot.CancelledAt = now;
        foreach (var run in snapshot.Tasks.Values.Where(r => r.Kind == AnalysisTaskKind.Task && !r.Status.IsFinal()))
        {
            if (run.Status == AnalysisTaskStatus.Running)
            {
                interrupted.Add(new TaskAttempt { AnalysisId = snapshot.AnalysisId, TaskName = run.Name, Attempt = run.Attempts });
                if (run.Error is not null)
                    run.PastErrors.Add(run.Error);
                run.Error = new TaskError
                {
                    Type = "Cucos.Cancelled",
                    Message = $"attempt {run.Attempts} was stopped: the analysis was cancelled. Results stored before are kept.",
                    Fatal = true,
                    Attempt = run.Attempts,
                    At = now,
                };
                run.Status = AnalysisTaskStatus.Failed;
            }
            else
            {
                run.Status = AnalysisTaskStatus.Skipped;
                run.SkipReason = "the analysis was cancelled before this task ran.";
            }
            run.EndedAt = now;
            run.NextAttemptAt = null;
            run.LeaseExpiresAt = null;
        }
        return true;
    }

    /// <summary>How soon an attempt whose dispatch failed is tried again.</summary>
    public static readonly TimeSpan RedispatchDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// An attempt that never reached its worker or callback grain (its silo is dying, say) is tried again soon,
    /// under a new attempt number, without using up the task's retry policy.
    /// </summary>
    public static bool DispatchFailed(AnalysisSnapshot analysis, string taskName, int attempt, Exception exception, DateTimeOffset now)
    {
        if (RunningAttempt(analysis, taskName, attempt) is not { } run)
            return false;
        if (run.Error is not null)
            run.PastErrors.Add(run.Error);
        run.Error = TaskError.From(exception, fatal: false, attempt, now) with { Type = "Cucos.DispatchFailed" };
        run.UndeliveredAttempts++;
        run.Status = AnalysisTaskStatus.RetryScheduled;
        run.LeaseExpiresAt = null;
        run.NextAttemptAt = now + RedispatchDelay;
        return true;
    }

    /// <summary>
    /// Skips what can no longer run, then marks as running (and returns) every task that may start now:
    /// pending tasks whose prerequisites succeeded, callbacks whose subtree is final, retries that are due.
    /// </summary>
    public List<AnalysisTask> Advance(AnalysisSnapshot snapshot, DateTimeOffset now)
    {
        if (snapshot.IsFinished)
            return [];
        while (SkipUnreachable(snapshot, now)) { }

        var ready = new List<AnalysisTask>();
        foreach (var run in snapshot.Tasks.Values)
        {
            var due = run.Status switch
            {
                AnalysisTaskStatus.RetryScheduled => run.NextAttemptAt <= now,
                AnalysisTaskStatus.Pending when run.Kind == AnalysisTaskKind.Callback => SubtreeIsFinal(snapshot, run),
                AnalysisTaskStatus.Pending => Prerequisites(run).All(p => snapshot.Tasks[p].Status == AnalysisTaskStatus.Succeeded),
                _ => false,
            };
            if (!due)
                continue;
            run.Status = AnalysisTaskStatus.Running;
            run.Attempts++;
            run.StartedAt ??= now;
            run.NextAttemptAt = null;
            run.LeaseExpiresAt = now + registry.Get(run.Name).Timeout + leaseGrace;
            run.RunningOn = null;
            run.AttemptStartedAt = null;
            ready.Add(run);
        }
        return ready;
    }

    /// <summary>True once every task is final; then sets the analysis' status, finish time and summary.</summary>
    public bool TryFinish(AnalysisSnapshot snapshot, DateTimeOffset now)
    {
        if (snapshot.IsFinished)
            return false;
        if (!snapshot.Tasks.Values.All(r => r.Status.IsFinal()))
            return false;
        snapshot.Status = snapshot.EndStatus();
        snapshot.FinishedAt = now;
        if (snapshot.Reruns.LastOrDefault() is { FinishedAt: null } rerun)
        {
            rerun.FinishedAt = now;
            rerun.Status = snapshot.Status;
        }
        if (registry.Graph.Find(CucosFlow.RootTask)?.Callback is { } rootCallback
            && snapshot.Tasks.TryGetValue(rootCallback, out var callback))
            snapshot.Summary = callback.Summary;
        return true;
    }

    /// <summary>
    /// Resets <paramref name="taskName"/> of a finished analysis for a new attempt, with every task that depends on it
    /// or that it spawned (directly or further down) and every callback above them, and sets the analysis running
    /// again. The attempt numbers go on growing, so a late report of an earlier attempt stays stale; the retry policy
    /// starts afresh. Returns the pending re-run and false when the same re-run is still pending (nothing changes).
    /// </summary>
    /// <exception cref="TaskRerunRefusedException">The task is unknown or a callback, the analysis is still running,
    /// or a prerequisite of the task did not succeed.</exception>
    /// <param name="readsRemovedPackage">Null while the package folder is laid out; once it was removed, which tasks
    /// read it (init then runs again first).</param>
    public static (TaskRerun Rerun, bool Started) Rerun(
        AnalysisSnapshot snapshot, string taskName, string reason, string requestedBy, DateTimeOffset now,
        Func<string, bool>? readsRemovedPackage = null)
    {
        if (!snapshot.IsFinished)
        {
            var pending = snapshot.Reruns.LastOrDefault(r => r.FinishedAt is null);
            if (pending is not null && pending.Tasks.Contains(taskName, StringComparer.Ordinal))
                return (pending, false);
            throw new TaskRerunRefusedException(TaskRerunRefusal.AnalysisNotFinished, pending is null
                ? $"analysis {snapshot.AnalysisId} is still running; a task is re-run only once the analysis has finished."
                : $"analysis {snapshot.AnalysisId} is re-running '{pending.TaskName}'; ask again once that re-run has finished.");
        }
        // Checked after the analysis is known to be finished: a running analysis may not have spawned the task yet.
        if (!snapshot.Tasks.TryGetValue(taskName, out var target))
            throw new TaskRerunRefusedException(TaskRerunRefusal.UnknownTask,
                $"analysis {snapshot.AnalysisId} has no task '{taskName}'; its tasks are: {string.Join(", ", snapshot.Tasks.Keys.Order(StringComparer.Ordinal))}.");
        if (target.Kind == AnalysisTaskKind.Callback)
            throw new TaskRerunRefusedException(TaskRerunRefusal.CallbackTask,
                $"'{taskName}' is the callback of '{target.CallbackFor}' and is not re-run alone; re-run '{target.CallbackFor}' or a task below it, and the callback runs again after it.");
        if (Prerequisites(target).Select(p => snapshot.Tasks[p]).FirstOrDefault(p => p.Status != AnalysisTaskStatus.Succeeded) is { } blocker)
            throw new TaskRerunRefusedException(TaskRerunRefusal.PrerequisiteNotSucceeded,
                $"'{taskName}' needs '{blocker.Name}', which {blocker.Status.ToString().ToLowerInvariant()}; re-run '{blocker.Name}' instead.");

        var reset = Downstream(snapshot, taskName);
        // Only init itself is added, not what it spawned: its other children keep their results, and the tasks that are
        // re-run wait for it as for any prerequisite.
        if (readsRemovedPackage is not null
            && reset.Any(name => snapshot.Tasks[name].Kind == AnalysisTaskKind.Task && readsRemovedPackage(name)))
            reset.Add(CucosFlow.RootTask);
        // Callbacks whose target is reset or sits above a reset task must run again once that subtree is final.
        // To a fixed point, since a callback may follow another (the webhook follows finalize).
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var callback in snapshot.Tasks.Values.Where(r => r.Kind == AnalysisTaskKind.Callback && !reset.Contains(r.Name)))
                if (reset.Any(name => name == callback.CallbackFor || IsBelow(snapshot, snapshot.Tasks[name], callback.CallbackFor!)))
                    grew |= reset.Add(callback.Name);
        }
        foreach (var name in reset)
            ResetForRerun(snapshot.Tasks[name]);

        var rerun = new TaskRerun
        {
            TaskName = taskName,
            Reason = reason,
            RequestedBy = requestedBy,
            RequestedAt = now,
            Tasks = [.. reset.Order(StringComparer.Ordinal)],
            PreviousStatus = snapshot.Status,
        };
        snapshot.Reruns.Add(rerun);
        snapshot.Status = AnalysisStatus.Running;
        snapshot.FinishedAt = null;
        return (rerun, true);
    }

    /// <summary>The task and everything that needs it: what depends on it or was spawned below it, to a fixed point.</summary>
    private static HashSet<string> Downstream(AnalysisSnapshot snapshot, string taskName)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal) { taskName };
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var run in snapshot.Tasks.Values)
                if (!reached.Contains(run.Name)
                    && ((run.SpawnedBy is { } parent && reached.Contains(parent)) || run.DependsOn.Any(reached.Contains)))
                    grew |= reached.Add(run.Name);
        }
        return reached;
    }

    private static void ResetForRerun(AnalysisTask run)
    {
        if (run.Error is not null)
            run.PastErrors.Add(run.Error);
        run.Error = null;
        run.Status = AnalysisTaskStatus.Pending;
        run.AttemptsBeforeRerun = CountedAttempts(run);
        run.StartedAt = null;
        run.EndedAt = null;
        run.NextAttemptAt = null;
        run.LeaseExpiresAt = null;
        run.SkipReason = null;
        run.Summary = null;
        run.RunningOn = null;
        run.AttemptStartedAt = null;
    }

    /// <summary>Whether the registered task reads the package's files, not only results.</summary>
    public bool ReadsPackageFiles(string taskName) => registry.Find(taskName)?.ReadsPackageFiles ?? true;

    /// <summary>The earliest moment something is due: a retry, or a lease running out.</summary>
    public static DateTimeOffset? NextDeadline(AnalysisSnapshot snapshot) => snapshot.Tasks.Values
        .Select(r => r.Status switch
        {
            AnalysisTaskStatus.RetryScheduled => r.NextAttemptAt,
            AnalysisTaskStatus.Running => r.LeaseExpiresAt,
            _ => null,
        })
        .Where(d => d is not null)
        .Min();

    private void Fail(AnalysisTask run, TaskError error, TimeSpan? retryAfter, DateTimeOffset now)
    {
        if (run.Error is not null)
            run.PastErrors.Add(run.Error);
        run.Error = error;
        var policy = registry.Get(run.Name).RetryPolicy;
        if (!error.Fatal && CountedAttempts(run) - run.AttemptsBeforeRerun < run.MaxAttempts)
        {
            run.Status = AnalysisTaskStatus.RetryScheduled;
            run.NextAttemptAt = now + policy.DelayBefore(run.Attempts - run.AttemptsBeforeRerun + 1, retryAfter);
        }
        else
        {
            run.Status = AnalysisTaskStatus.Failed;
            run.EndedAt = now;
        }
    }

    /// <summary>
    /// How many silo deaths a task's attempts may go down with before they count against its retry policy. A rolling
    /// restart, or a silo killed every minute in the soak run, otherwise failed tasks whose every attempt happened to
    /// land on the next silo to go (the soak's 3,000 analyses with a kill a minute: 3 failed so). Three keep a task
    /// that crashes every silo it runs on from taking down more than its policy's attempts plus three.
    /// </summary>
    public const int ForgivenSiloLosses = 3;

    /// <summary>
    /// How many attempts a task may lose before they started (waiting for a task slot when their silo died, or when
    /// their lease ran out) before such losses count against its retry policy. Under a backlog a silo holds thousands
    /// of queued attempts, and the 30,000-analysis soak run failed 62 analyses whose attempts had only ever been
    /// queued on silos that were killed. The cap keeps a cluster that can never run a task from retrying it forever.
    /// </summary>
    public const int ForgivenQueuedLosses = 10;

    private static int CountedAttempts(AnalysisTask run) =>
        run.Attempts - run.UndeliveredAttempts - Math.Min(run.SiloLosses, ForgivenSiloLosses) - Math.Min(run.QueuedLosses, ForgivenQueuedLosses);

    private IEnumerable<string> ChildrenOf(AnalysisSnapshot snapshot, AnalysisTask run)
    {
        var declared = registry.Graph[run.Name].Children;
        return run.Name == CucosFlow.RootTask
            ? declared.Concat(snapshot.Request.Tasks ?? registry.Graph.DefaultFlow).Distinct(StringComparer.Ordinal)
            : declared;
    }

    private void AddTask(AnalysisSnapshot snapshot, string name, string? spawnedBy)
    {
        if (snapshot.Tasks.ContainsKey(name))
            return;
        var node = registry.Graph[name];
        snapshot.Tasks[name] = new AnalysisTask
        {
            Name = name,
            Kind = AnalysisTaskKind.Task,
            SpawnedBy = spawnedBy,
            DependsOn = [.. node.Prerequisites],
            MaxAttempts = registry.Get(name).RetryPolicy.MaxAttempts,
        };
        // A prerequisite nobody else spawns joins as a sibling, so the dependent is never left waiting.
        foreach (var dependency in node.Prerequisites)
            AddTask(snapshot, dependency, spawnedBy);
        if (node.Callback is { } callback && !snapshot.Tasks.ContainsKey(callback))
            snapshot.Tasks[callback] = new AnalysisTask
            {
                Name = callback,
                Kind = AnalysisTaskKind.Callback,
                SpawnedBy = name,
                CallbackFor = name,
                MaxAttempts = registry.Get(callback).RetryPolicy.MaxAttempts,
            };
    }

    private static IEnumerable<string> Prerequisites(AnalysisTask run) =>
        run.SpawnedBy is { } parent ? run.DependsOn.Prepend(parent) : run.DependsOn;

    private static bool SkipUnreachable(AnalysisSnapshot snapshot, DateTimeOffset now)
    {
        var changed = false;
        foreach (var run in snapshot.Tasks.Values.Where(r => r.Status == AnalysisTaskStatus.Pending && r.Kind == AnalysisTaskKind.Task))
        {
            var blocker = Prerequisites(run)
                .Select(p => snapshot.Tasks[p])
                .FirstOrDefault(p => p.Status is AnalysisTaskStatus.Failed or AnalysisTaskStatus.Skipped);
            if (blocker is null)
                continue;
            run.Status = AnalysisTaskStatus.Skipped;
            run.EndedAt = now;
            run.SkipReason = $"'{blocker.Name}' {(blocker.Status == AnalysisTaskStatus.Failed ? "failed" : "was skipped")}, and this task needs it.";
            changed = true;
        }
        return changed;
    }

    /// <summary>A callback may run once its target and everything spawned below the target is final.</summary>
    private static bool SubtreeIsFinal(AnalysisSnapshot snapshot, AnalysisTask callback)
    {
        var target = snapshot.Tasks[callback.CallbackFor!];
        if (!target.Status.IsFinal())
            return false;
        // What hangs below the callback itself (the webhook below finalize) runs after it, so it is not waited for.
        return snapshot.Tasks.Values
            .Where(r => r.Name != callback.Name && IsBelow(snapshot, r, target.Name) && !IsBelow(snapshot, r, callback.Name))
            .All(r => r.Status.IsFinal());
    }

    private static bool IsBelow(AnalysisSnapshot snapshot, AnalysisTask run, string ancestor)
    {
        for (var parent = run.SpawnedBy; parent is not null; parent = snapshot.Tasks[parent].SpawnedBy)
            if (parent == ancestor)
                return true;
        return false;
    }
}
