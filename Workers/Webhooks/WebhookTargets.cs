using System.Net;
using System.Net.NetworkInformation;
using Cucos.Sdk;

namespace Cucos.Workers.Webhooks;

/// <summary>A webhook host the allow-list does not let the cluster call, found when the request came in or at a delivery.</summary>
public sealed class WebhookRefusedException(string message) : Exception(message);

/// <summary>
/// Which hosts a webhook may reach. A host is judged by every address it resolves to: none may be loopback, private,
/// link-local (cloud metadata), multicast or reserved, nor one of this silo's own addresses, unless
/// <c>Cucos:Webhooks:AllowedHosts</c> names the host or holds the address; with <c>OnlyAllowedHosts</c> nothing else is
/// reached. Asked when a request comes in, and at each delivery by the connection itself (<see cref="WebhookSender"/>
/// connects only to the addresses this returned), so a name that resolves elsewhere later (a DNS rebind) gains nothing.
/// Plain http is sent only to allowed hosts: the summary would travel unencrypted.
/// </summary>
public sealed class WebhookTargets(WebhookSettings settings, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null) : IWebhookTargets
{
    private readonly WebhookAllowList[] allowed = [.. settings.AllowedHosts.Select(entry => WebhookAllowList.Parse(entry)!)];
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> resolve = resolve ?? ((host, ct) => Dns.GetHostAddressesAsync(host, ct));
    private readonly Lazy<HashSet<IPAddress>> ownAddresses = new(OwnAddresses);

    public WebhookSettings Settings => settings;

    public string? DefaultUrl => settings.Url;

    public async Task<string?> ProblemAsync(Uri url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (settings.Secret is null)
            return $"this cluster delivers no webhooks: it has no signing secret ({WebhookSettings.SecretKey}). Leave 'webhook_url' out, or ask its operator to set one.";
        try
        {
            await AllowedAddressesAsync(url.IdnHost, cancellationToken).ConfigureAwait(false);
        }
        catch (WebhookRefusedException refused)
        {
            return refused.Message;
        }
        if (url.Scheme == Uri.UriSchemeHttp && !NameAllowed(url.IdnHost) && !(IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal) && AddressAllowed(literal)))
            return $"'webhook_url' is plain http to {Shown(url)}, which would send the analysis' summary unencrypted: give an https URL, or add the host to {WebhookSettings.AllowedHostsKey}.";
        return null;
    }

    /// <summary>
    /// The addresses of <paramref name="host"/> the cluster may connect to: all it resolves to, when every one is allowed.
    /// Throws <see cref="WebhookRefusedException"/> naming the first refused address (or a name that does not resolve).
    /// </summary>
    public async Task<IPAddress[]> AllowedAddressesAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = host.Trim('[', ']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(bare, out var literal))
            addresses = [literal];
        else
        {
            try
            {
                addresses = await resolve(bare, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is System.Net.Sockets.SocketException or ArgumentException)
            {
                throw new WebhookRefusedException($"the webhook host {bare} could not be resolved ({exception.Message}): give a host name that resolves, or check the silo's DNS.");
            }
            if (addresses.Length == 0)
                throw new WebhookRefusedException($"the webhook host {bare} has no address: give a host name that resolves.");
        }
        var nameAllowed = NameAllowed(bare);
        foreach (var address in addresses)
            if (!nameAllowed && !AddressAllowed(address) && Refusal(address) is { } what)
                throw new WebhookRefusedException(
                    $"the webhook host {bare} resolves to {address}, {what}, which a webhook may not reach (so that a request cannot make the cluster call its own network): "
                    + $"give a public host, or add the host or address to {WebhookSettings.AllowedHostsKey}.");
        return addresses;
    }

    private string? Refusal(IPAddress address)
    {
        if (settings.OnlyAllowedHosts)
            return $"not in the allow-list ({WebhookSettings.OnlyAllowedHostsKey} is true)";
        if (BlockedRanges.Of(address) is { } what)
            return what;
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return ownAddresses.Value.Contains(plain) ? "one of this silo's own addresses" : null;
    }

    private bool NameAllowed(string host) =>
        allowed.OfType<WebhookAllowList.HostName>().Any(entry => string.Equals(entry.Name, host.TrimEnd('.'), StringComparison.OrdinalIgnoreCase));

    private bool AddressAllowed(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return allowed.OfType<WebhookAllowList.Range>().Any(entry => entry.Network.Contains(plain));
    }

    /// <summary>The URL as messages and results show it: scheme, host and port, never its path or query (a receiver's token may be there).</summary>
    public static string Shown(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.GetLeftPart(UriPartial.Authority);
    }

    private static HashSet<IPAddress> OwnAddresses()
    {
        var own = new HashSet<IPAddress>();
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                    own.Add(unicast.Address.IsIPv4MappedToIPv6 ? unicast.Address.MapToIPv4() : unicast.Address);
        }
        catch (NetworkInformationException)
        {
            // Without the interface list the ranges still refuse the usual own addresses (loopback, private, link-local).
        }
        return own;
    }
}
