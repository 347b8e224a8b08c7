using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Cucos.Workers.Webhooks;

/// <summary>What a receiver answered one delivery attempt.</summary>
public sealed record WebhookAnswer(int StatusCode, TimeSpan? RetryAfter)
{
    public bool Accepted => StatusCode is >= 200 and < 300;
}

/// <summary>
/// POSTs signed deliveries. Its connections are made by <see cref="WebhookTargets.AllowedAddressesAsync"/>'s answer
/// alone: the host is resolved and judged when the connection is opened and the socket connects to exactly those
/// addresses, so what the name resolves to later cannot slip past the allow-list. No proxy (a proxy would resolve the
/// name itself) and no redirects (a 3xx is an answer, not a new target).
/// </summary>
public sealed class WebhookSender : IDisposable
{
    public const string UserAgent = "Cucos.Orleans-Webhook/1.0";
    private readonly HttpClient http;

    public WebhookSender(WebhookTargets targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var addresses = await targets.AllowedAddressesAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// One attempt. Throws <see cref="WebhookRefusedException"/> when the host now resolves to an address the allow-list
    /// refuses, <see cref="HttpRequestException"/> when the receiver cannot be reached.
    /// </summary>
    public async Task<WebhookAnswer> SendAsync(Uri url, byte[] body, string deliveryId, string timestamp, string signature, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.ParseAdd(UserAgent);
        request.Headers.Add(WebhookSignature.EventHeader, WebhookPayload.EndedEvent);
        request.Headers.Add(WebhookSignature.DeliveryHeader, deliveryId);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookSignature.SignatureHeader, signature);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return new WebhookAnswer((int)response.StatusCode, RetryAfterOf(response.Headers.RetryAfter));
        }
        catch (HttpRequestException exception) when (Refusal(exception) is { } refused)
        {
            throw refused;
        }
    }

    private static WebhookRefusedException? Refusal(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
            if (exception is WebhookRefusedException refused)
                return refused;
        return null;
    }

    private static TimeSpan? RetryAfterOf(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    public void Dispose() => http.Dispose();
}
