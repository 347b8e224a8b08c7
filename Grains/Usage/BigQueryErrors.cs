namespace Cucos.Grains.Usage;

/// <summary>BigQuery or its token endpoint refused or failed a call; the message says which call and why, never a token or key.</summary>
public class BigQueryException(string message, bool retryLater) : Exception(message)
{
    /// <summary>A quota, a rate limit or an outage: the refresh is tried again later from where it stopped.</summary>
    public bool RetryLater { get; } = retryLater;
}
