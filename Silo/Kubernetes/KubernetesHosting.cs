using Orleans.Hosting;

namespace Cucos.Silo.Kubernetes;

public static class KubernetesHosting
{
    /// <summary>
    /// Pod-aware behaviour from the Orleans Kubernetes hosting: the silo is named after its pod, listens on all
    /// interfaces, labels its pod with the service and cluster ids, and a silo whose pod is deleted is declared dead
    /// at once instead of after missed probes. Membership stays in PostgreSQL. The advertised address is the pod's IP,
    /// which <see cref="SiloSettings"/> takes from <see cref="KubernetesSettings"/>.
    /// </summary>
    public static ISiloBuilder UseCucosKubernetesHosting(this ISiloBuilder silo) =>
        // The Deployment replaces pods itself: the silos never delete pods, so their Role needs no delete verb.
        silo.UseKubernetesHosting(options => options.Configure(kubernetes => kubernetes.DeleteDefunctSiloPods = false));
}
