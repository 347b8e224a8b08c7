using System.Net;
using System.Net.Sockets;

namespace Cucos.Workers.Webhooks;

/// <summary>One entry of <c>Cucos:Webhooks:AllowedHosts</c>: a host name (any address it resolves to), an address, or a CIDR range.</summary>
public abstract record WebhookAllowList
{
    public sealed record HostName(string Name) : WebhookAllowList;

    public sealed record Range(IPNetwork Network) : WebhookAllowList;

    /// <summary>The entry, or null when it is none of the three.</summary>
    public static WebhookAllowList? Parse(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (IPNetwork.TryParse(entry, out var network))
            return new Range(network);
        if (IPAddress.TryParse(entry, out var address))
            return new Range(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
        return Uri.CheckHostName(entry) == UriHostNameType.Dns ? new HostName(entry.TrimEnd('.').ToLowerInvariant()) : null;
    }
}

/// <summary>The address ranges no webhook may reach unless allowed, each with what it is, for the refusal.</summary>
public static class BlockedRanges
{
    private static readonly (IPNetwork Network, string What)[] Ranges =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified ('this network') address"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address"),
        (IPNetwork.Parse("100.64.0.0/10"), "a shared (carrier-grade NAT) address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address (where cloud metadata services answer)"),
        (IPNetwork.Parse("192.0.0.0/24"), "a protocol-assignment address"),
        (IPNetwork.Parse("198.18.0.0/15"), "a benchmarking address"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved or broadcast address"),
        (IPNetwork.Parse("::/128"), "an unspecified address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address"),
        (IPNetwork.Parse("fec0::/10"), "a site-local address"),
        (IPNetwork.Parse("fc00::/7"), "a unique local (private) address (where some cloud metadata services answer)"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
        (IPNetwork.Parse("64:ff9b::/96"), "a NAT64 address (it reaches an IPv4 address behind it)"),
        (IPNetwork.Parse("2002::/16"), "a 6to4 address (it reaches an IPv4 address behind it)"),
    ];

    /// <summary>What <paramref name="address"/> is when a webhook may not reach it, or null for a public address.</summary>
    public static string? Of(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (var (network, what) in Ranges)
            if (network.Contains(plain))
                return what;
        return null;
    }
}
