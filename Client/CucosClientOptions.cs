using Cucos.Client.Security;

namespace Cucos.Client;

/// <summary>Where a remote client finds the cluster, bound from the configuration section <c>Cucos:Client</c>.</summary>
public sealed class CucosClientOptions
{
    public const string Section = "Cucos:Client";

    /// <summary>Silo gateways as <c>host:port</c>; empty means one silo on this machine at the default gateway port.</summary>
    public List<string> Gateways { get; set; } = [];

    public string ClusterId { get; set; } = ClusterDefaults.ClusterId;
    public string ServiceId { get; set; } = ClusterDefaults.ServiceId;

    /// <summary>
    /// The client certificate and trust for a cluster whose silos require TLS (<c>Cucos:Client:Tls</c>); unset, the
    /// client connects in plain TCP, which such a cluster refuses.
    /// </summary>
    public CucosTlsOptions Tls { get; set; } = new();

    /// <summary>
    /// The key sent to a silo's HTTP API (<c>X-Api-Key</c>, see docs/security.md) by
    /// <see cref="Http.CucosHttpClient.CreateHttpClient(Uri, CucosClientOptions)"/>; from a secret store, never a file
    /// under version control. The gateway does not use it (it checks certificates).
    /// </summary>
    public string? ApiKey { get; set; }
}
