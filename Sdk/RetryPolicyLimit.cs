namespace Cucos.Sdk;

/// <summary>
/// A ceiling on every task's own <see cref="RetryPolicy"/>, for a host where a person waits for the answer (the
/// embedded cluster of <c>cucos analyze</c>): a wrong registry URL should fail in seconds, not after minutes of backoff.
/// Registered as a service, the <see cref="TaskRegistry"/> applies it to every task it registers.
/// </summary>
/// <param name="MaxAttempts">At most this many attempts (the first included); 1 means never retried.</param>
/// <param name="MaxDelay">No delay between attempts is longer than this, a registry's <c>Retry-After</c> included.</param>
public sealed record RetryPolicyLimit(int MaxAttempts, TimeSpan MaxDelay)
{
    /// <summary>The policy with this ceiling applied: fewer attempts and shorter delays, never more or longer.</summary>
    public RetryPolicy Apply(RetryPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var maxDelay = policy.MaxDelay < MaxDelay ? policy.MaxDelay : MaxDelay;
        return policy with
        {
            MaxAttempts = Math.Min(policy.MaxAttempts, MaxAttempts),
            InitialDelay = policy.InitialDelay < maxDelay ? policy.InitialDelay : maxDelay,
            MaxDelay = maxDelay,
            MaxRequestedDelay = policy.MaxRequestedDelay < MaxDelay ? policy.MaxRequestedDelay : MaxDelay,
        };
    }
}
