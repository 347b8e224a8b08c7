namespace Cucos.Grains.Refresh;

/// <summary>When a refresh grain refreshes: the period of its reminder, the first refresh's delay, and how often a
/// refresh under way is woken up again on whatever silo is alive.</summary>
public readonly record struct RefreshSchedule(TimeSpan Interval, TimeSpan FirstDelay, TimeSpan ResumeInterval);

/// <summary>
/// The reminder plumbing of a grain that refreshes something on a period and resumes an interrupted refresh from its
/// stored progress (usage figures, advisory sources). A periodic reminder starts a refresh; while one is under way a
/// short resume reminder brings it back after a crash or a deactivation; at most one refresh runs per activation,
/// and the activation is the only one in the cluster. Reminder ticks may repeat or be missed: a tick starts nothing
/// while a refresh runs or waits for its retry time, so the subclasses' refreshes only have to be resumable.
/// </summary>
public abstract class RefreshGrain : Grain, IRemindable, IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private Task? running;

    /// <summary>The periodic reminder's name, unique to the grain type.</summary>
    protected abstract string RefreshReminder { get; }

    /// <summary>The resume reminder's name, unique to the grain type.</summary>
    protected abstract string ResumeReminder { get; }

    protected abstract RefreshSchedule Schedule { get; }

    /// <summary>When the last refresh ended, from the grain's state (null before the first).</summary>
    protected abstract DateTimeOffset? LastRefreshedAt { get; }

    /// <summary>Not before when a failed refresh is tried again, from the grain's state.</summary>
    protected abstract DateTimeOffset? RetryAt { get; }

    /// <summary>Whether the grain's state holds a refresh that started and has not ended.</summary>
    protected abstract bool Underway { get; }

    protected abstract TimeProvider Time { get; }

    /// <summary>One refresh, started or resumed from the state; cancelled when the activation goes.</summary>
    protected abstract Task RefreshAsync(CancellationToken cancellationToken);

    /// <summary>Registers the periodic reminder when it is missing (due one interval after the last refresh) and resumes a refresh under way.</summary>
    protected async Task EnsureRemindersAsync()
    {
        var schedule = Schedule;
        if (await this.GetReminder(RefreshReminder) is null)
        {
            var due = LastRefreshedAt is { } last ? last + schedule.Interval - Time.GetUtcNow() : schedule.FirstDelay;
            await this.RegisterOrUpdateReminder(RefreshReminder, due < TimeSpan.Zero ? TimeSpan.Zero : due, schedule.Interval);
        }
        if (Underway)
            Start();
    }

    public Task RefreshNowAsync()
    {
        Start();
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == RefreshReminder)
            Start();
        else if (reminderName == ResumeReminder && (RetryAt is not { } retryAt || retryAt <= Time.GetUtcNow()))
            Start();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The refresh stops with the activation; the resume reminder brings it back from the stored progress.
        stopping.Cancel();
        return running ?? Task.CompletedTask;
    }

    /// <summary>Called once a refresh has recorded its start: from now on a crash is resumed.</summary>
    protected Task KeepResumingAsync(CancellationToken cancellationToken) =>
        this.RegisterOrUpdateReminder(ResumeReminder, Schedule.ResumeInterval, Schedule.ResumeInterval, cancellationToken);

    /// <summary>Called once a refresh ended, done or abandoned: nothing is left to resume.</summary>
    protected async Task StopResumingAsync()
    {
        if (await this.GetReminder(ResumeReminder) is { } resume)
            await this.UnregisterReminder(resume);
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
            stopping.Dispose();
    }

    private void Start()
    {
        if (running is { IsCompleted: false })
            return;
        // The refresh runs between calls: the activation must outlive the idle collector while it does.
        DelayDeactivation(TimeSpan.FromHours(2));
        running = RefreshAsync(stopping.Token);
    }
}
