using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cucos.Silo.Health;

/// <summary>Ready only while the cluster's membership lists this silo as active: joined, and not yet shutting down.</summary>
public sealed class SiloActiveHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {silo.SiloAddress} is active in the cluster.")
            : HealthCheckResult.Unhealthy(status switch
            {
                SiloStatus.None or SiloStatus.Created or SiloStatus.Joining =>
                    $"silo {silo.SiloAddress} has not joined the cluster yet (status {status}).",
                _ => $"silo {silo.SiloAddress} is not active in the cluster (status {status}): it is stopping or was declared dead.",
            }));
    }
}
