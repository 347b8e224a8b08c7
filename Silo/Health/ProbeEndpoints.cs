namespace Cucos.Silo.Health;

/// <summary>
/// The web host's health endpoints the pod's probes call, on the container port named <see cref="PortName"/>.
/// The manifests under deploy/ are checked against these.
/// </summary>
public static class ProbeEndpoints
{
    /// <summary>The process answers: the liveness and startup probes (a failure restarts the container).</summary>
    public const string Liveness = "/health/live";

    /// <summary>The silo is an active member of its cluster: the readiness probe (a failure takes the pod out of the Service).</summary>
    public const string Readiness = "/health/ready";

    /// <summary>The name of the container port of the web host.</summary>
    public const string PortName = "http";
}
