using Cucos.Grains.Analysis;
using Cucos.Messages;
using Cucos.State;

namespace Cucos.Tests.Analysis;

/// <summary>The analysis grain's wake-ups, step by step: when the reminder is (re-)registered, when a timer is armed, when both stop.</summary>
[Trait("Category", "Unit")]
public sealed class WakeUpPlanTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1);
    private readonly WakeUpPlan plan = new(Period);

    private static AnalysisSnapshot Analysis(params AnalysisTask[] tasks) => new()
    {
        AnalysisId = "a",
        Request = new AnalysisRequest { Ecosystem = "test", Name = "n", Version = "1" },
        CachePath = "/cache/a",
        CreatedAt = T0,
        Tasks = tasks.ToDictionary(t => t.Name),
    };

    private static AnalysisTask Running(string name, DateTimeOffset leaseExpiresAt) =>
        new() { Name = name, Status = AnalysisTaskStatus.Running, Attempts = 1, LeaseExpiresAt = leaseExpiresAt };

    private static AnalysisTask Retry(string name, DateTimeOffset due) =>
        new() { Name = name, Status = AnalysisTaskStatus.RetryScheduled, Attempts = 1, NextAttemptAt = due };

    /// <summary>Asks the plan and confirms what it asked for, as the grain does once a registration succeeded.</summary>
    private WakeUps Apply(AnalysisSnapshot? analysis, DateTimeOffset now)
    {
        var next = plan.Next(analysis, now);
        if (next.Stop)
            plan.Stopped();
        if (next.Reminder is { } reminder)
            plan.ReminderRegistered(reminder);
        if (next.Timer is { } timer)
            plan.TimerArmed(timer);
        return next;
    }

    [Theory]
    [InlineData(30, 60, 60)]
    [InlineData(60, 60, 60)]
    [InlineData(300, 60, 300)]
    public void The_watchdog_period_is_the_interval_but_never_below_the_reminder_minimum(int intervalSeconds, int minimumSeconds, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds),
            WakeUpPlan.WatchdogPeriodFor(TimeSpan.FromSeconds(intervalSeconds), TimeSpan.FromSeconds(minimumSeconds)));

    [Fact]
    public void Nothing_due_soon_registers_the_reminder_one_period_ahead_once()
    {
        var analysis = Analysis(Running("digests", T0 + TimeSpan.FromMinutes(10)));

        var first = Apply(analysis, T0);
        Assert.Equal(new ReminderWakeUp(T0 + Period, Period, Period), first.Reminder);
        Assert.Null(first.Timer);
        Assert.False(first.Stop);

        // Later steps before that tick change nothing: every registration is a storage write.
        Assert.Equal(WakeUps.None, Apply(analysis, T0 + TimeSpan.FromSeconds(20)));
        Assert.Equal(T0 + Period, plan.ReminderNextTick);
    }

    [Fact]
    public void A_lease_running_out_before_the_next_tick_brings_the_tick_forward_and_a_later_one_does_not()
    {
        var analysis = Analysis(Running("digests", T0 + TimeSpan.FromMinutes(10)));
        Apply(analysis, T0);

        analysis.Tasks["digests"].LeaseExpiresAt = T0 + TimeSpan.FromSeconds(20);
        var earlier = Apply(analysis, T0 + TimeSpan.FromSeconds(5));
        Assert.Equal(new ReminderWakeUp(T0 + TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(15), Period), earlier.Reminder);

        analysis.Tasks["digests"].LeaseExpiresAt = T0 + TimeSpan.FromSeconds(40);
        Assert.Null(Apply(analysis, T0 + TimeSpan.FromSeconds(6)).Reminder);
        Assert.Equal(T0 + TimeSpan.FromSeconds(20), plan.ReminderNextTick);
    }

    [Fact]
    public void A_tick_that_arrived_moves_the_next_tick_one_period_on_and_later_steps_register_nothing()
    {
        var analysis = Analysis(Running("digests", T0 + TimeSpan.FromMinutes(10)));
        Apply(analysis, T0);

        var tick = T0 + Period + TimeSpan.FromMilliseconds(200);
        plan.TickArrived(tick);

        Assert.Equal(tick + Period, plan.ReminderNextTick);
        Assert.Equal(WakeUps.None, Apply(analysis, tick + TimeSpan.FromSeconds(1)));
        Assert.Equal(WakeUps.None, Apply(analysis, tick + Period - TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_tick_a_second_late_is_waited_for_but_one_more_than_five_seconds_late_is_registered_again()
    {
        var analysis = Analysis(Running("digests", T0 + TimeSpan.FromMinutes(10)));
        Apply(analysis, T0);

        Assert.Equal(WakeUps.None, Apply(analysis, T0 + Period + TimeSpan.FromSeconds(1)));

        var missing = T0 + Period + TimeSpan.FromSeconds(6);
        Assert.Equal(new ReminderWakeUp(missing + Period, Period, Period), Apply(analysis, missing).Reminder);

        analysis.Tasks["digests"].LeaseExpiresAt = missing; // already out when the next step looks
        var overdue = Apply(analysis, missing + TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.Zero, overdue.Reminder!.DueIn);
        Assert.Equal(missing + TimeSpan.FromSeconds(3), overdue.Reminder.FirstTick);
    }

    [Fact]
    public void A_registration_that_was_not_confirmed_is_asked_for_again()
    {
        var analysis = Analysis(Running("digests", T0 + TimeSpan.FromMinutes(10)));

        var failed = plan.Next(analysis, T0); // the grain's RegisterOrUpdateReminder threw: nothing confirmed
        Assert.NotNull(failed.Reminder);
        Assert.Null(plan.ReminderNextTick);

        Assert.Equal(failed.Reminder, plan.Next(analysis, T0).Reminder);
    }

    [Fact]
    public void A_retry_due_before_the_tick_moves_the_reminder_and_needs_no_timer()
    {
        var analysis = Analysis(Running("digests", T0 + TimeSpan.FromMinutes(10)));
        Apply(analysis, T0);

        analysis.Tasks["digests"].Status = AnalysisTaskStatus.RetryScheduled;
        analysis.Tasks["digests"].NextAttemptAt = T0 + TimeSpan.FromSeconds(30);
        var retry = Apply(analysis, T0 + TimeSpan.FromSeconds(1));

        Assert.Equal(T0 + TimeSpan.FromSeconds(30), retry.Reminder!.FirstTick);
        Assert.Null(retry.Timer);
    }

    [Fact]
    public void An_overdue_retry_gets_a_timer_at_once_but_not_twice()
    {
        // The lease ran out before the retry was due, and both are past: the reminder fires now, the timer too.
        var now = T0 + TimeSpan.FromSeconds(10);
        var analysis = Analysis(Running("digests", T0), Retry("metadata", T0 + TimeSpan.FromSeconds(5)));

        var first = Apply(analysis, now);
        Assert.Equal(now, first.Reminder!.FirstTick);
        Assert.Equal(new TimerWakeUp(T0 + TimeSpan.FromSeconds(5), TimeSpan.Zero), first.Timer);

        // The same due retry, while the timer armed for it has not fired, arms nothing new.
        Assert.Null(plan.Next(analysis, T0 + TimeSpan.FromSeconds(4)).Timer);
        Assert.Equal(T0 + TimeSpan.FromSeconds(5), plan.TimerDue);
    }

    [Fact]
    public void Once_the_armed_timer_has_fired_another_overdue_retry_arms_it_again()
    {
        var analysis = Analysis(Running("digests", T0), Retry("metadata", T0 + TimeSpan.FromSeconds(5)));
        Apply(analysis, T0 + TimeSpan.FromSeconds(10));

        analysis.Tasks["metadata"].NextAttemptAt = T0 + TimeSpan.FromSeconds(15);
        var again = Apply(analysis, T0 + TimeSpan.FromSeconds(20));

        Assert.Equal(new TimerWakeUp(T0 + TimeSpan.FromSeconds(15), TimeSpan.Zero), again.Timer);
        Assert.Equal(T0 + TimeSpan.FromSeconds(15), plan.TimerDue);
    }

    [Fact]
    public void A_finished_or_unknown_analysis_stops_both_once()
    {
        var analysis = Analysis(Running("digests", T0 + TimeSpan.FromMinutes(10)));
        Apply(analysis, T0);
        analysis.FinishedAt = T0 + TimeSpan.FromSeconds(30);

        Assert.Equal(WakeUps.Finished, Apply(analysis, T0 + TimeSpan.FromSeconds(30)));
        Assert.Null(plan.ReminderNextTick);
        Assert.Equal(WakeUps.None, Apply(analysis, T0 + TimeSpan.FromSeconds(31)));

        // A fresh activation woken by a leftover tick, with no analysis or a finished one, stops it.
        Assert.Equal(WakeUps.Finished, new WakeUpPlan(Period).Next(null, T0));
        Assert.Equal(WakeUps.Finished, new WakeUpPlan(Period).Next(analysis, T0));
    }
}
