using System.Net;
using Cucos.Client.Security;
using Cucos.Persistence;
using Cucos.Silo.Kubernetes;
using Microsoft.Extensions.Configuration;

namespace Cucos.Silo;

/// <summary>
/// The silo's own settings from configuration (appsettings.json, then environment variables such as
/// <c>Cucos__SiloPort</c> and <c>ConnectionStrings__Cucos</c>, then arguments).
/// </summary>
public sealed record SiloSettings(
    string ClusterId,
    string ServiceId,
    int SiloPort,
    int GatewayPort,
    int HttpPort,
    IPAddress AdvertisedAddress,
    string? PostgresConnection,
    bool MigrateOnStart,
    TimeSpan? ReminderMinimumPeriod,
    string[] TaskAssemblies,
    PostgresStorageProvider StorageProvider,
    TimeSpan ShutdownTimeout,
    KubernetesSettings? Kubernetes,
    CucosTlsOptions? Tls,
    TimeSpan? GrainCollectionAge = null)
{
    /// <summary>
    /// The shortest <c>Cucos:GrainCollectionAge</c>: Orleans looks for idle activations once a collection quantum
    /// (1 minute), so an age below two quanta would not collect any sooner, only less predictably.
    /// </summary>
    public static readonly TimeSpan MinimumGrainCollectionAge = TimeSpan.FromMinutes(2);

    public const string GrainCollectionAgeKey = "Cucos:GrainCollectionAge";

    /// <summary>The port of the silo's web host: the HTTP API, health and metrics.</summary>
    public const int DefaultHttpPort = 8080;

    /// <summary>
    /// How long a stopping silo may take to hand its grains over and leave the cluster (HostOptions.ShutdownTimeout);
    /// a pod's terminationGracePeriodSeconds must be longer, or Kubernetes kills the silo half-way.
    /// </summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    public const string ShutdownTimeoutKey = "Cucos:ShutdownTimeout";

    /// <summary>The silo's certificate and trust; set, every silo and gateway connection is mutual TLS.</summary>
    public const string TlsSection = "Cucos:Tls";

    /// <summary>The explicit opt-out of TLS for a silo reachable beyond loopback, for a network that already keeps everyone else out.</summary>
    public const string AllowUnauthenticatedKey = "Cucos:AllowUnauthenticatedCluster";

    /// <summary>
    /// Whether other machines can reach the silo and gateway ports: a pod, or a clustered silo advertising a non-loopback
    /// address (it listens there). The in-memory profile listens on loopback only.
    /// </summary>
    public bool ReachableBeyondLoopback => Kubernetes is not null || (PostgresConnection is not null && !IPAddress.IsLoopback(AdvertisedAddress));

    /// <param name="isInCluster">Whether this is a Kubernetes pod with a service account; see <see cref="KubernetesSettings.From"/>.</param>
    public static SiloSettings From(IConfiguration configuration, Func<bool>? isInCluster = null)
    {
        var section = configuration.GetSection("Cucos");
        var kubernetes = KubernetesSettings.From(configuration, isInCluster);
        var advertised = Text(section, "AdvertisedAddress", "127.0.0.1");
        if (!IPAddress.TryParse(advertised, out var address))
            throw new InvalidOperationException($"Cucos:AdvertisedAddress is '{advertised}': give the IP address other silos reach this one at.");
        var connection = configuration.GetConnectionString("Cucos");
        var clusterId = Text(section, "ClusterId", ClusterDefaults.ClusterId);
        var serviceId = Text(section, "ServiceId", ClusterDefaults.ServiceId);
        if (kubernetes is not null)
            KubernetesSettings.CheckIdsAgree(configuration, clusterId, serviceId);
        var tls = new CucosTlsOptions();
        configuration.GetSection(TlsSection).Bind(tls);
        var settings = new SiloSettings(
            clusterId,
            serviceId,
            Port(section, "SiloPort", ClusterDefaults.SiloPort),
            Port(section, "GatewayPort", ClusterDefaults.GatewayPort),
            Port(section, "HttpPort", DefaultHttpPort),
            kubernetes?.PodAddress ?? address, // in a pod, other silos reach this one at the pod's IP
            string.IsNullOrWhiteSpace(connection) ? null : connection,
            Flag(section, "Postgres:Migrate"),
            Duration(section, "ReminderMinimumPeriod"),
            (section["TaskAssemblies"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Provider(section, "StorageProvider"),
            Duration(section, "ShutdownTimeout") ?? DefaultShutdownTimeout,
            kubernetes,
            tls.IsConfigured ? tls : null,
            CollectionAge(section));
        // Secure by default: an ordinary Orleans client that reaches an open gateway can call every grain.
        if (settings.Tls is null && settings.ReachableBeyondLoopback && !Flag(section, "AllowUnauthenticatedCluster"))
            throw new InvalidOperationException(
                $"this silo's ports are reachable beyond this machine ({(kubernetes is not null ? "Kubernetes mode" : $"Cucos:AdvertisedAddress is {settings.AdvertisedAddress}")}) " +
                $"and {TlsSection}:Certificate is not set, so any process reaching them could call every grain: set {TlsSection}:Certificate and " +
                $"{TlsSection}:TrustedCa (docs/security.md), or {AllowUnauthenticatedKey}=true where the network already keeps everyone else out.");
        return settings;
    }

    private static PostgresStorageProvider Provider(IConfigurationSection section, string key) =>
        section[key] is not { Length: > 0 } value ? PostgresStorageProvider.GroupCommit
        : Enum.TryParse<PostgresStorageProvider>(value, ignoreCase: true, out var provider) && Enum.IsDefined(provider) ? provider
        : throw new InvalidOperationException($"Cucos:{key} is '{value}': give GroupCommit (the default) or AdoNet.");

    private static string Text(IConfigurationSection section, string key, string fallback) =>
        string.IsNullOrWhiteSpace(section[key]) ? fallback : section[key]!;

    private static bool Flag(IConfigurationSection section, string key) =>
        section[key] is { Length: > 0 } value && (bool.TryParse(value, out var flag)
            ? flag
            : throw new InvalidOperationException($"Cucos:{key} is '{value}': give true or false."));

    private static TimeSpan? Duration(IConfigurationSection section, string key) =>
        section[key] is { Length: > 0 } value
            ? TimeSpan.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var duration) && duration > TimeSpan.Zero
                ? duration
                : throw new InvalidOperationException($"Cucos:{key} is '{value}': give a positive duration such as 00:01:00.")
            : null;

    private static TimeSpan? CollectionAge(IConfigurationSection section)
    {
        var age = Duration(section, "GrainCollectionAge");
        return age < MinimumGrainCollectionAge
            ? throw new InvalidOperationException(
                $"{GrainCollectionAgeKey} is '{section["GrainCollectionAge"]}': give at least {MinimumGrainCollectionAge} " +
                "(Orleans collects idle activations once a minute), or leave it unset for Orleans' 15 minutes.")
            : age;
    }

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
