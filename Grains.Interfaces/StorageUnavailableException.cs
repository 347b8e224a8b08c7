namespace Cucos;

/// <summary>
/// The cluster's storage could not do what was asked: PostgreSQL unreachable or restarting (transient: try again), or
/// refusing the statement. Our providers throw it in place of Npgsql's exceptions, which Orleans cannot carry to a
/// caller (a client would see a codec error instead of the reason, and the API a 500 instead of a 503).
/// </summary>
[GenerateSerializer, Alias("cucos.StorageUnavailableException")]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException(string message, bool isTransient) : base(message) => IsTransient = isTransient;

    /// <summary>For the serializer, which sets the message and the flag itself.</summary>
    private StorageUnavailableException()
    {
    }

    /// <summary>Whether the same call may succeed if tried again shortly (the database is away or restarting).</summary>
    [Id(0)] public bool IsTransient { get; private set; }
}
