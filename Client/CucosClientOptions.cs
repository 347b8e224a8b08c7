namespace Cucos.Client;

/// <summary>Where a remote client finds the cluster, bound from the configuration section <c>Cucos:Client</c>.</summary>
public sealed class CucosClientOptions
{
    public const string Section = "Cucos:Client";

    /// <summary>Silo gateways as <c>host:port</c>; empty means one silo on this machine at the default gateway port.</summary>
    public List<string> Gateways { get; set; } = [];

    public string ClusterId { get; set; } = ClusterDefaults.ClusterId;
    public string ServiceId { get; set; } = ClusterDefaults.ServiceId;
}
