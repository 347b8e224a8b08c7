using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Cucos.Tests.Support;

namespace Cucos.Tests.Webhooks;

/// <summary>
/// A webhook receiver on loopback: answers each POST with the next of its planned answers (200 once they run out) and
/// records every delivery as it came, headers and raw body, with the status it answered.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly ConcurrentQueue<(int Status, string? RetryAfter)> plan = new();
    private readonly LoopbackListener listener;

    public WebhookReceiver(params (int Status, string? RetryAfter)[] answers)
    {
        foreach (var answer in answers)
            plan.Enqueue(answer);
        listener = new LoopbackListener(AnswerAsync);
    }

    public sealed record Delivery(string Method, string Path, IReadOnlyDictionary<string, string?> Headers, byte[] Body, int AnsweredWith);

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    public Uri Url => new(listener.BaseUrl, "hooks/cucos");

    public int Port => listener.BaseUrl.Port;

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        var (status, retryAfter) = plan.TryDequeue(out var next) ? next : (200, null);
        var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k], StringComparer.OrdinalIgnoreCase);
        Deliveries.Enqueue(new Delivery(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, headers, body.ToArray(), status));
        context.Response.StatusCode = status;
        if (retryAfter is not null)
            context.Response.Headers["Retry-After"] = retryAfter;
        context.Response.Close();
    }

    /// <summary>What a receiver does: the HMAC-SHA256 of "TIMESTAMP.BODY" with the shared secret, computed here, not by the code under test.</summary>
    public static void AssertSigned(string secret, Delivery delivery)
    {
        var timestamp = delivery.Headers["X-Cucos-Timestamp"]!;
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(delivery.Body).ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
        Assert.Equal(expected, delivery.Headers["X-Cucos-Signature"]);
        Assert.InRange(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    public void Dispose() => listener.Dispose();
}
