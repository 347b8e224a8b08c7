namespace Cucos.Sdk;

/// <summary>How often and how soon a failed task runs again.</summary>
/// <param name="MaxAttempts">Attempts in all, the first included; 1 means never retried.</param>
/// <param name="InitialDelay">The delay before the second attempt.</param>
/// <param name="BackoffFactor">Each further delay is the previous one times this.</param>
/// <param name="MaxDelay">No delay is longer than this.</param>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan InitialDelay, double BackoffFactor, TimeSpan MaxDelay)
{
    /// <summary>Three attempts, 30 s then 60 s apart.</summary>
    public static readonly RetryPolicy Default = new(3, TimeSpan.FromSeconds(30), 2.0, TimeSpan.FromMinutes(10));

    public static readonly RetryPolicy Never = new(1, TimeSpan.Zero, 1.0, TimeSpan.Zero);

    /// <summary>The delay before <paramref name="nextAttempt"/> (2 for the first retry).</summary>
    public TimeSpan DelayBefore(int nextAttempt)
    {
        var retries = Math.Max(0, nextAttempt - 2);
        var delay = InitialDelay.TotalMilliseconds * Math.Pow(BackoffFactor, retries);
        return TimeSpan.FromMilliseconds(Math.Min(delay, MaxDelay.TotalMilliseconds));
    }

    /// <summary>
    /// The longest wait a task may ask for itself (<see cref="RetryTaskException"/>, such as a registry's
    /// <c>Retry-After</c>): a longer one is cut to this, so that a registry cannot park an analysis for years.
    /// </summary>
    public TimeSpan MaxRequestedDelay { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The delay before <paramref name="nextAttempt"/>: the one the task asked for (at most <see cref="MaxRequestedDelay"/>), else the policy's.</summary>
    public TimeSpan DelayBefore(int nextAttempt, TimeSpan? requested) =>
        requested is { } asked ? (asked > MaxRequestedDelay ? MaxRequestedDelay : asked < TimeSpan.Zero ? TimeSpan.Zero : asked) : DelayBefore(nextAttempt);

    /// <summary>What is wrong with this policy, or null.</summary>
    public string? Problem() =>
        MaxAttempts < 1 ? "MaxAttempts must be at least 1"
        : InitialDelay < TimeSpan.Zero ? "InitialDelay must not be negative"
        : BackoffFactor < 1.0 ? "BackoffFactor must be at least 1"
        : MaxDelay < InitialDelay ? "MaxDelay must not be shorter than InitialDelay"
        : MaxRequestedDelay < TimeSpan.Zero ? "MaxRequestedDelay must not be negative"
        : null;
}
