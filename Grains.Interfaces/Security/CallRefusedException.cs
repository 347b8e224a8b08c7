namespace Cucos.Grains;

/// <summary>
/// A silo's answer to a client outside the cluster that called a grain method of the cluster's own (one not marked
/// <see cref="ClientCallableAttribute"/>). It crosses Orleans, so the client sees why and where to go instead.
/// </summary>
[GenerateSerializer, Alias("cucos.CallRefusedException")]
public sealed class CallRefusedException : UnauthorizedAccessException
{
    public CallRefusedException(string message) : base(message)
    {
    }

    /// <summary>For the serializer, which sets the message itself.</summary>
    private CallRefusedException()
    {
    }
}
