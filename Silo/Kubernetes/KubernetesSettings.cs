using System.Net;
using Microsoft.Extensions.Configuration;
using Orleans.Hosting.Kubernetes;

namespace Cucos.Silo.Kubernetes;

/// <summary>
/// Kubernetes mode (<c>Cucos:Kubernetes:Enabled=true</c>): the pod this silo runs in, from the downward API
/// variables the Orleans Kubernetes hosting reads (<c>POD_NAME</c>, <c>POD_NAMESPACE</c>, <c>POD_IP</c>).
/// </summary>
public sealed record KubernetesSettings(string PodName, string PodNamespace, IPAddress PodAddress)
{
    public const string EnabledKey = "Cucos:Kubernetes:Enabled";

    /// <summary>The pod variables Kubernetes mode needs; the manifests set them from the downward API.</summary>
    public static readonly IReadOnlyList<string> PodVariables =
    [
        KubernetesHostingOptions.PodNameEnvironmentVariable,
        KubernetesHostingOptions.PodNamespaceEnvironmentVariable,
        KubernetesHostingOptions.PodIPEnvironmentVariable,
    ];

    /// <summary>
    /// Every environment variable a silo pod must set: the switch, the pod variables and the database (the silos
    /// of a Kubernetes deployment form their cluster through PostgreSQL).
    /// </summary>
    public static readonly IReadOnlyList<string> RequiredEnvironment =
        [EnvironmentName(EnabledKey), .. PodVariables, EnvironmentName("ConnectionStrings:Cucos")];

    /// <summary>The pod labels the Orleans Kubernetes hosting selects the silos of one cluster by.</summary>
    public static readonly IReadOnlyList<string> PodLabels = [KubernetesHostingOptions.ServiceIdLabel, KubernetesHostingOptions.ClusterIdLabel];

    /// <summary>
    /// What the Kubernetes hosting does through the API server, and so all the silo's Role grants: it reads its own pod,
    /// labels it with the service and cluster ids (patch), and lists and watches the pods of its cluster to
    /// declare a silo dead as soon as its pod is deleted. Deleting pods of dead silos is off (the Deployment replaces them).
    /// </summary>
    public static readonly IReadOnlyList<string> PodVerbs = ["get", "list", "watch", "patch"];

    /// <summary>
    /// Null when Kubernetes mode is off; a clear error when it is on and the pod variables or the database are missing,
    /// or this is no pod (<paramref name="isInCluster"/>, by default the Kubernetes client's own test for a service account).
    /// </summary>
    public static KubernetesSettings? From(IConfiguration configuration, Func<bool>? isInCluster = null)
    {
        var enabled = configuration[EnabledKey];
        if (string.IsNullOrWhiteSpace(enabled))
            return null;
        if (!bool.TryParse(enabled, out var on))
            throw new InvalidOperationException($"{EnabledKey} is '{enabled}': give true (run as a pod of a Kubernetes deployment) or false.");
        if (!on)
            return null;
        var missing = PodVariables.Where(name => string.IsNullOrWhiteSpace(configuration[name])).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"{EnabledKey} is true but {string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} not set: " +
                "set them from the downward API in the pod spec (fieldRef metadata.name, metadata.namespace, status.podIP), " +
                "as deploy/base/silo-deployment.yaml does, or turn Kubernetes mode off.");
        var podIp = configuration[KubernetesHostingOptions.PodIPEnvironmentVariable]!;
        if (!IPAddress.TryParse(podIp, out var address))
            throw new InvalidOperationException(
                $"{KubernetesHostingOptions.PodIPEnvironmentVariable} is '{podIp}': give the pod's IP address (fieldRef status.podIP).");
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Cucos")))
            throw new InvalidOperationException(
                $"{EnabledKey} is true but ConnectionStrings:Cucos is not set: the silos of a Kubernetes deployment form " +
                "their cluster through PostgreSQL. Set ConnectionStrings__Cucos (from a Secret).");
        if (!(isInCluster ?? k8s.KubernetesClientConfiguration.IsInCluster)())
            throw new InvalidOperationException(
                $"{EnabledKey} is true but this is not a Kubernetes pod with a service account: KUBERNETES_SERVICE_HOST or the " +
                "token under /var/run/secrets/kubernetes.io/serviceaccount is missing. Run the silo in a pod whose service " +
                "account token is mounted (automountServiceAccountToken: true), or turn Kubernetes mode off.");
        return new KubernetesSettings(
            configuration[KubernetesHostingOptions.PodNameEnvironmentVariable]!,
            configuration[KubernetesHostingOptions.PodNamespaceEnvironmentVariable]!,
            address);
    }

    /// <summary>
    /// The Orleans Kubernetes hosting takes the cluster and service ids from <c>ORLEANS_CLUSTER_ID</c> and
    /// <c>ORLEANS_SERVICE_ID</c> when they are set, over ours: ids that disagree would put this silo's membership rows
    /// and its pod labels in two different clusters, so they are refused.
    /// </summary>
    public static void CheckIdsAgree(IConfiguration configuration, string clusterId, string serviceId)
    {
        foreach (var (variable, ours, key) in new[]
        {
            (KubernetesHostingOptions.ClusterIdEnvironmentVariable, clusterId, "Cucos:ClusterId"),
            (KubernetesHostingOptions.ServiceIdEnvironmentVariable, serviceId, "Cucos:ServiceId"),
        })
        {
            if (configuration[variable] is { Length: > 0 } theirs && theirs != ours)
                throw new InvalidOperationException(
                    $"{variable} is '{theirs}' but {key} is '{ours}': the Orleans Kubernetes hosting would use the first and " +
                    $"the cluster's database the second. Leave {variable} unset (the manifests set {EnvironmentName(key)} from the pod's labels) or give both the same value.");
        }
    }

    private static string EnvironmentName(string key) => key.Replace(":", "__", StringComparison.Ordinal);
}
