namespace Cucos.Orleans.Sdk;

/// <summary>A failure no retry can cure (bad input, a package that does not exist): the task fails at once.</summary>
public class FatalTaskException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Asks for the task to run again after <see cref="RetryAfter"/>, for example when a rate limit resets.
/// The attempt counts against the task's retry policy.
/// </summary>
public class RetryTaskException(TimeSpan retryAfter, string reason) : Exception(reason)
{
    public TimeSpan RetryAfter { get; } = retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter;
}
