namespace Cucos.Sdk;

/// <summary>A failure no retry can cure (bad input, a package that does not exist): the task fails at once.</summary>
public class FatalTaskException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A later attempt of the task already stored its result; this attempt's result is dropped.</summary>
public sealed class StaleAttemptException(string taskName, int attempt)
    : FatalTaskException($"attempt {attempt} of '{taskName}' finished after a later attempt stored its result; its result was dropped.");

/// <summary>
/// Asks for the task to run again after <see cref="RetryAfter"/>, for example when a rate limit resets.
/// The attempt counts against the task's retry policy.
/// </summary>
public class RetryTaskException(TimeSpan retryAfter, string reason) : Exception(reason)
{
    public TimeSpan RetryAfter { get; } = retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter;
}
