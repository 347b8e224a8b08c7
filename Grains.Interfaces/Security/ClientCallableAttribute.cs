namespace Cucos.Grains;

/// <summary>
/// Marks a grain method a client outside the cluster may call through a gateway. Every other method of a Cucos grain
/// interface is the cluster's own: a silo refuses it from an outside client (<c>ExternalCallerFilter</c>), so a new
/// method is internal until someone decides otherwise.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ClientCallableAttribute : Attribute;
