using Cucos.Grains.Flow;
using Cucos.State;

namespace Cucos.Grains.Analysis;

/// <summary>
/// When an analysis must wake up next, and by what. The reminder is the durable wake-up: it survives a restart and
/// ticks every watchdog period to check leases and retries; it is re-registered only when it must fire earlier than
/// it would, or when the tick expected is more than a few seconds late, because every registration is a storage
/// write (and, while a silo's death is being detected, a slow one). A one-shot timer adds precision
/// for a retry due before the reminder's next tick. A finished analysis stops both.
/// </summary>
/// <remarks>
/// Pure: it remembers what this activation registered and says what to change; the grain does the registering and
/// confirms it (<see cref="ReminderRegistered"/>, <see cref="TimerArmed"/>, <see cref="Stopped"/>), so a registration
/// that throws is asked for again at the next step.
/// </remarks>
public sealed class WakeUpPlan(TimeSpan watchdogPeriod)
{
    /// <summary>A timer fires a little after the retry's time, so the retry is due when the step looks at it.</summary>
    public static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(5);

    /// <summary>How early a tick may come and still be the one expected (reminder ticks are not exact).</summary>
    private static readonly TimeSpan TickTolerance = TimeSpan.FromSeconds(1);

    private bool stopped;

    /// <summary>How late the expected tick may be before it is taken for lost: a few seconds, or the period when shorter.</summary>
    private TimeSpan LateTickGrace => watchdogPeriod < MaxLateTick ? watchdogPeriod : MaxLateTick;

    private static readonly TimeSpan MaxLateTick = TimeSpan.FromSeconds(5);

    /// <summary>The reminder's period: the configured watchdog interval, never below the reminder service's minimum.</summary>
    public static TimeSpan WatchdogPeriodFor(TimeSpan watchdogInterval, TimeSpan minimumReminderPeriod) =>
        watchdogInterval > minimumReminderPeriod ? watchdogInterval : minimumReminderPeriod;

    public TimeSpan WatchdogPeriod => watchdogPeriod;

    /// <summary>The reminder's next tick as this activation registered it; null when it registered none.</summary>
    public DateTimeOffset? ReminderNextTick { get; private set; }

    /// <summary>When the timer this activation armed fires; null when it armed none.</summary>
    public DateTimeOffset? TimerDue { get; private set; }

    /// <summary>What to change so the analysis wakes when something is next due (or never again, once it is finished).</summary>
    public WakeUps Next(AnalysisSnapshot? analysis, DateTimeOffset now)
    {
        if (analysis is not { IsFinished: false })
            return stopped ? WakeUps.None : WakeUps.Finished;

        var deadline = AnalysisFlow.NextDeadline(analysis);
        var firstTick = deadline is { } d && d - now < watchdogPeriod ? d : now + watchdogPeriod;
        if (firstTick < now)
            firstTick = now;
        ReminderWakeUp? reminder = null;
        var nextTick = ReminderNextTick;
        // A tick a little late is on its way; one later than that may never come (ticks can be lost).
        if (nextTick is null || firstTick < nextTick || nextTick + LateTickGrace < now)
        {
            reminder = new ReminderWakeUp(firstTick, firstTick - now, watchdogPeriod);
            nextTick = firstTick;
        }

        TimerWakeUp? timer = null;
        var retryDue = analysis.Tasks.Values.Where(r => r.Status == AnalysisTaskStatus.RetryScheduled).Min(r => r.NextAttemptAt);
        if (retryDue is { } due && due < nextTick && (TimerDue is null || due < TimerDue || TimerDue < now))
        {
            var delay = due - now;
            timer = new TimerWakeUp(due, delay < TimeSpan.Zero ? TimeSpan.Zero : delay + TimerSlack);
        }
        return new WakeUps(reminder, timer, Stop: false);
    }

    public void ReminderRegistered(ReminderWakeUp reminder)
    {
        ArgumentNullException.ThrowIfNull(reminder);
        ReminderNextTick = reminder.FirstTick;
        // A finished analysis whose task is re-run runs again: its next finish must stop the reminder again.
        stopped = false;
    }

    /// <summary>
    /// A tick of the reminder arrived at <paramref name="now"/>: the next comes one period later, with no registration.
    /// Without this every step after the first tick would register the reminder again.
    /// </summary>
    public void TickArrived(DateTimeOffset now)
    {
        if (ReminderNextTick is { } expected && expected <= now + TickTolerance)
            ReminderNextTick = now + watchdogPeriod;
    }

    public void TimerArmed(TimerWakeUp timer)
    {
        ArgumentNullException.ThrowIfNull(timer);
        TimerDue = timer.Due;
    }

    /// <summary>The reminder is unregistered and the timer dropped: nothing wakes this analysis any more.</summary>
    public void Stopped()
    {
        stopped = true;
        ReminderNextTick = null;
        TimerDue = null;
    }
}

/// <summary>The changes <see cref="WakeUpPlan.Next"/> asks for: (re-)register the reminder, arm the timer, or stop both.</summary>
public sealed record WakeUps(ReminderWakeUp? Reminder, TimerWakeUp? Timer, bool Stop)
{
    public static readonly WakeUps None = new(null, null, Stop: false);
    /// <summary>Unregister the reminder and drop the timer.</summary>
    public static readonly WakeUps Finished = new(null, null, Stop: true);
}

/// <summary>Register (or update) the reminder: first tick after <paramref name="DueIn"/>, then every <paramref name="Period"/>.</summary>
public sealed record ReminderWakeUp(DateTimeOffset FirstTick, TimeSpan DueIn, TimeSpan Period);

/// <summary>Arm the one-shot timer (replacing the one armed before) to fire after <paramref name="DueIn"/>.</summary>
public sealed record TimerWakeUp(DateTimeOffset Due, TimeSpan DueIn);
