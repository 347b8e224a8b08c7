namespace Cucos;

/// <summary>Defaults shared by silos and clients, so a client finds a silo started with no settings.</summary>
public static class ClusterDefaults
{
    public const string ClusterId = "cucos";
    public const string ServiceId = "cucos";
    public const int SiloPort = 11111;
    public const int GatewayPort = 30000;
}
