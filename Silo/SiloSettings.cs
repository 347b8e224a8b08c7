using Microsoft.Extensions.Configuration;

namespace Cucos.Orleans.Silo;

/// <summary>The silo's own endpoint settings from the <c>Cucos</c> section (environment: <c>Cucos__SiloPort</c> and so on).</summary>
public sealed record SiloSettings(string ClusterId, string ServiceId, int SiloPort, int GatewayPort)
{
    public static SiloSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Cucos");
        return new SiloSettings(
            Text(section, "ClusterId", ClusterDefaults.ClusterId),
            Text(section, "ServiceId", ClusterDefaults.ServiceId),
            Port(section, "SiloPort", ClusterDefaults.SiloPort),
            Port(section, "GatewayPort", ClusterDefaults.GatewayPort));
    }

    private static string Text(IConfigurationSection section, string key, string fallback) =>
        string.IsNullOrWhiteSpace(section[key]) ? fallback : section[key]!;

    private static int Port(IConfigurationSection section, string key, int fallback)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
            return fallback;
        if (!int.TryParse(value, out var port) || port is < 1 or > 65535)
            throw new InvalidOperationException($"Cucos:{key} is '{value}': give a port number from 1 to 65535.");
        return port;
    }
}
