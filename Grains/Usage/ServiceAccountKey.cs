using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Cucos.Grains.Usage;

/// <summary>
/// A Google service-account key (the JSON file the cloud console creates): the account's e-mail, its RSA private key,
/// the key's id and, optionally, its project and token endpoint. Problems are reported by the setting the key came from,
/// never with any of the key's content.
/// </summary>
public sealed class ServiceAccountKey : IDisposable
{
    private ServiceAccountKey(string clientEmail, string? keyId, string? projectId, Uri? tokenUri, RSA rsa)
    {
        ClientEmail = clientEmail;
        KeyId = keyId;
        ProjectId = projectId;
        TokenUri = tokenUri;
        Rsa = rsa;
    }

    public string ClientEmail { get; }
    public string? KeyId { get; }
    public string? ProjectId { get; }
    public Uri? TokenUri { get; }
    internal RSA Rsa { get; }

    /// <summary>The key of <paramref name="settings"/>: the secret setting when given, the key file otherwise.</summary>
    public static ServiceAccountKey Load(UsageSettings settings)
    {
        if (settings.Key is { } inline)
            return Parse(inline, $"the setting {UsageSettings.KeyKey}");
        if (settings.KeyFile is not { } path)
            throw new UsageConfigurationException($"no service account is configured: set {UsageSettings.KeyFileKey} to a service-account key file (JSON) or {UsageSettings.KeyKey} to its content.");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageConfigurationException($"{UsageSettings.KeyFileKey} is '{path}', which cannot be read ({exception.GetType().Name}): give the path of the service account's JSON key file, readable by the silo.");
        }
        return Parse(text, $"the key file '{path}' ({UsageSettings.KeyFileKey})");
    }

    public static ServiceAccountKey Parse(string json, string origin)
    {
        const string what = "give the JSON key Google Cloud created for the service account (type service_account, client_email, private_key)";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw new UsageConfigurationException($"{origin} is not JSON: {what}.");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new UsageConfigurationException($"{origin} is not a JSON object: {what}.");
            if (Text(root, "type") is { } type && type != "service_account")
                throw new UsageConfigurationException($"{origin} is a key of type '{type}', not service_account: {what}.");
            var email = Text(root, "client_email") ?? throw new UsageConfigurationException($"{origin} has no client_email: {what}.");
            var pem = Text(root, "private_key") ?? throw new UsageConfigurationException($"{origin} has no private_key: {what}.");
            var rsa = RSA.Create();
            try
            {
                rsa.ImportFromPem(pem);
            }
            catch (Exception exception) when (exception is ArgumentException or CryptographicException)
            {
                rsa.Dispose();
                throw new UsageConfigurationException($"{origin} has a private_key that is not a PEM RSA private key: {what}.");
            }
            Uri? tokenUri = Text(root, "token_uri") is { } uri && Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" ? parsed : null;
            return new ServiceAccountKey(email, Text(root, "private_key_id"), Text(root, "project_id"), tokenUri, rsa);
        }
    }

    /// <summary>The signed JWT (RS256) a token endpoint exchanges for an access token: RFC 7523's assertion.</summary>
    public string SignAssertion(Uri audience, string scope, DateTimeOffset now, TimeSpan lifetime)
    {
        var header = new Dictionary<string, string> { ["alg"] = "RS256", ["typ"] = "JWT" };
        if (KeyId is not null)
            header["kid"] = KeyId;
        var claims = new Dictionary<string, object>
        {
            ["iss"] = ClientEmail,
            ["scope"] = scope,
            ["aud"] = audience.ToString(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
        };
        var signed = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = Rsa.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signed + "." + Base64Url(signature);
    }

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    public void Dispose() => Rsa.Dispose();

    public override string ToString() => $"service account {ClientEmail}";
}
