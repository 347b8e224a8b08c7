namespace Cucos;

/// <summary>Failures of the cluster rather than of the work: a silo died, or is overloaded, a call timed out, or storage is away.</summary>
public static class ClusterErrors
{
    /// <summary>
    /// Whether <paramref name="exception"/>, or one it wraps (Orleans wraps a storage provider's error), is a failure
    /// of the cluster that the same call may get past if tried again shortly.
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
            if (current is TimeoutException
                or SiloUnavailableException
                or OrleansMessageRejectionException
                or GatewayTooBusyException
                or Orleans.Runtime.Messaging.ConnectionFailedException
                or StorageUnavailableException { IsTransient: true })
                return true;
        return false;
    }

    /// <inheritdoc cref="RetryTransientAsync{T}"/>
    public static Task RetryTransientAsync(
        Func<Task> call, TimeSpan patience, CancellationToken cancellationToken, Func<Exception, bool>? retryable = null) =>
        RetryTransientAsync(async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, patience, cancellationToken, retryable);

    /// <summary>
    /// Runs <paramref name="call"/>, retrying failures that <paramref name="retryable"/> accepts (by default the transient
    /// cluster failures) with a capped backoff until <paramref name="patience"/> has passed, which is long enough to outlast
    /// the detection of a dead silo or a database restart. Other failures are thrown at once.
    /// </summary>
    public static async Task<T> RetryTransientAsync<T>(
        Func<Task<T>> call, TimeSpan patience, CancellationToken cancellationToken, Func<Exception, bool>? retryable = null)
    {
        retryable ??= IsTransient;
        var giveUpAt = DateTime.UtcNow + patience;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (Exception exception) when (retryable(exception) && DateTime.UtcNow < giveUpAt && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 200 * Math.Pow(2, attempt))), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
