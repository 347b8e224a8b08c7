using System.Globalization;
using System.Net;

namespace Cucos.Silo.Security;

/// <summary>One configured API key: its name (for logs and answers, never the key), the SHA-256 of the key, its role.</summary>
public sealed record ApiKeyEntry(string Name, byte[] Sha256, string Role);

/// <summary>Bearer JWTs: who issues them, for which audience, where the signing keys are, which claim holds the roles.</summary>
public sealed record JwtSettings(string Issuer, string Audience, Uri JwksUrl, string RoleClaim);

/// <summary>
/// Who may call the silo's web port (<c>Cucos:Api:*</c>): on unless <c>Cucos:Api:Authentication:Enabled=false</c>,
/// because the web port listens on every interface. Read once at start, so a bad setting stops the silo with its name.
/// </summary>
public sealed record ApiAuthSettings(bool Enabled, IReadOnlyList<ApiKeyEntry> Keys, JwtSettings? Jwt)
{
    public const string EnabledKey = "Cucos:Api:Authentication:Enabled";
    public const string KeysSection = "Cucos:Api:Keys";
    public const string JwtSection = "Cucos:Api:Jwt";
    public const string DefaultRoleClaim = "roles";

    public bool HasCredentials => Keys.Count > 0 || Jwt is not null;

    public static ApiAuthSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var enabledText = configuration[EnabledKey];
        var enabled = true;
        if (!string.IsNullOrWhiteSpace(enabledText) && !bool.TryParse(enabledText, out enabled))
            throw new InvalidOperationException($"{EnabledKey} is '{enabledText}': give true (the default) or false (no authentication on the web port).");
        var keys = new List<ApiKeyEntry>();
        foreach (var key in configuration.GetSection(KeysSection).GetChildren())
            keys.Add(Key(key));
        var duplicate = keys.GroupBy(k => Convert.ToHexString(k.Sha256)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"{KeysSection}: the keys {string.Join(" and ", duplicate.Select(k => k.Name))} have the same hash; give each caller a key of its own.");
        return new ApiAuthSettings(enabled, keys, ReadJwt(configuration.GetSection(JwtSection)));
    }

    private static ApiKeyEntry Key(IConfigurationSection key)
    {
        var where = $"{KeysSection}:{key.Key}";
        var hashText = key["Hash"]?.Trim() ?? "";
        if (hashText.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase))
            hashText = hashText["sha256:".Length..];
        if (hashText.Length != 64 || !hashText.All(Uri.IsHexDigit))
            throw new InvalidOperationException(
                $"{where}:Hash is {(hashText.Length == 0 ? "missing" : "not a SHA-256 hash")}: give the 64 hex digits of the key's SHA-256 " +
                "(printf %s \"$KEY\" | sha256sum), never the key itself.");
        var role = key["Role"]?.Trim().ToLowerInvariant() ?? "";
        if (!ApiRoles.IsKnown(role))
            throw new InvalidOperationException($"{where}:Role is '{key["Role"]}': give {ApiRoles.Reader} (GET only) or {ApiRoles.Operator} (start, cancel, re-run too).");
        return new ApiKeyEntry(key.Key, Convert.FromHexString(hashText), role);
    }

    private static JwtSettings? ReadJwt(IConfigurationSection section)
    {
        var issuer = section["Issuer"];
        var audience = section["Audience"];
        var jwks = section["JwksUrl"];
        if (string.IsNullOrWhiteSpace(issuer) && string.IsNullOrWhiteSpace(audience) && string.IsNullOrWhiteSpace(jwks))
            return null;
        string[] missing = [.. new[] { ("Issuer", issuer), ("Audience", audience), ("JwksUrl", jwks) }
            .Where(setting => string.IsNullOrWhiteSpace(setting.Item2)).Select(setting => $"{JwtSection}:{setting.Item1}")];
        if (missing.Length > 0)
            throw new InvalidOperationException($"bearer tokens need an issuer, an audience and a JWKS URL: {string.Join(", ", missing)} {(missing.Length == 1 ? "is" : "are")} not set.");
        if (!Uri.TryCreate(jwks, UriKind.Absolute, out var jwksUrl) || jwksUrl.Scheme is not ("https" or "http"))
            throw new InvalidOperationException($"{JwtSection}:JwksUrl is '{jwks}': give the https:// address of the issuer's JSON Web Key Set.");
        if (jwksUrl.Scheme == "http" && !IsLoopback(jwksUrl))
            throw new InvalidOperationException(
                $"{JwtSection}:JwksUrl is '{jwks}': signing keys fetched in plain HTTP could be forged on the way; give an https:// address (http is accepted on loopback only).");
        var roleClaim = string.IsNullOrWhiteSpace(section["RoleClaim"]) ? DefaultRoleClaim : section["RoleClaim"]!.Trim();
        return new JwtSettings(issuer!.Trim(), audience!.Trim(), jwksUrl, roleClaim);
    }

    public static bool IsLoopback(Uri address) =>
        address.IsLoopback || (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"enabled={Enabled}, keys={Keys.Count}, jwt={Jwt is not null}");
}
