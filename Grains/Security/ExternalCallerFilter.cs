using System.Collections.Concurrent;
using System.Reflection;
using Cucos.Grains.Telemetry;
using Microsoft.Extensions.Logging;

namespace Cucos.Grains.Security;

/// <summary>
/// Refuses a client outside the cluster (one that came through a gateway) any method of a Cucos grain interface that
/// is not marked <see cref="ClientCallableAttribute"/>: handing the executor attempts, reporting outcomes, starting an
/// analysis grain around its package grain's checks. Silos and the client each silo hosts pass.
/// </summary>
/// <remarks>
/// The caller's id comes from the message, so a hand-built client could claim to be a silo: this is the first fence,
/// not the only one. The executor still runs only what an analysis confirms it dispatched, and TLS with client
/// certificates decides who may reach a gateway at all.
/// </remarks>
public sealed class ExternalCallerFilter(ILogger<ExternalCallerFilter> logger) : IIncomingGrainCallFilter
{
    private static readonly Assembly CucosInterfaces = typeof(IAnalysisGrain).Assembly;
    // Orleans names the client each silo hosts "hosted-<silo address>" (HostedClient.CreateHostedClientGrainId).
    private static readonly byte[] HostedClientPrefix = "hosted-"u8.ToArray();
    private readonly ConcurrentDictionary<MethodInfo, bool> clusterOwn = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.SourceId is { } source && IsOutsideClient(source) && IsClusterOwn(context.InterfaceMethod))
        {
            var method = $"{context.InterfaceMethod.DeclaringType?.Name}.{context.InterfaceMethod.Name}";
            logger.OutsideCallRefused(method, source.ToString());
            throw new CallRefusedException(
                $"{method} belongs to the cluster and is refused to a client: clients start and read analyses through ICucosClient " +
                "(IPackageAnalysisGrain.StartAsync, IAnalysisGrain.GetAsync and WaitForChangeAsync, ITaskResultGrain.GetAsync).");
        }
        return context.Invoke();
    }

    private static bool IsOutsideClient(GrainId source) =>
        source.IsClient() && !source.Key.AsSpan().StartsWith(HostedClientPrefix);

    private bool IsClusterOwn(MethodInfo method) => clusterOwn.GetOrAdd(method, static m =>
        m.DeclaringType?.Assembly == CucosInterfaces && !m.IsDefined(typeof(ClientCallableAttribute), inherit: false));
}
