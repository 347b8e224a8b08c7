using System.Security.Cryptography;
using System.Text;

namespace Cucos.Workers.Webhooks;

/// <summary>
/// The signature of a delivery: <c>X-Cucos-Signature: sha256=HEX</c>, HEX being the lower-case HMAC-SHA256, keyed with
/// <c>Cucos:Webhooks:Secret</c> (its UTF-8 bytes), of the <c>X-Cucos-Timestamp</c> header's value, a '.', and the raw
/// body. Signing the timestamp with the body lets a receiver refuse an old delivery replayed with a fresh timestamp.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Cucos-Signature";
    public const string TimestampHeader = "X-Cucos-Timestamp";
    public const string DeliveryHeader = "X-Cucos-Delivery";
    public const string EventHeader = "X-Cucos-Event";
    public const string Prefix = "sha256=";

    /// <summary><c>sha256=HEX</c> of <paramref name="timestamp"/> (Unix seconds, as sent), '.', and <paramref name="body"/>.</summary>
    public static string Compute(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentNullException.ThrowIfNull(timestamp);
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>Whether <paramref name="header"/> is the signature of the delivery, compared in constant time (what a receiver does).</summary>
    public static bool Verify(string secret, string timestamp, ReadOnlySpan<byte> body, string? header)
    {
        if (header is null)
            return false;
        var expected = Encoding.ASCII.GetBytes(Compute(secret, timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(header));
    }
}
