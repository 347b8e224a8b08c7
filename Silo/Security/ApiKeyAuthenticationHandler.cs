using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Cucos.Silo.Security;

/// <summary>
/// An API key in <c>X-Api-Key</c> (or as a bearer token that is not a JWT, which is what Prometheus sends), checked
/// against the SHA-256 hashes of <c>Cucos:Api:Keys</c>. The silo never holds the keys themselves.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiAuthSettings settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented = Request.Headers[Header] is { Count: > 0 } header ? header.ToString() : null;
        if (presented is null && CucosAuthentication.BearerToken(Request) is { } bearer)
        {
            if (CucosAuthentication.LooksLikeJwt(bearer))
                return Task.FromResult(Fail($"a bearer token was sent, but this silo accepts none ({ApiAuthSettings.JwtSection} is not set): send an API key in the {Header} header."));
            presented = bearer;
        }
        if (presented is null)
            return Task.FromResult(AuthenticateResult.NoResult());
        // Keys are random and long, so one SHA-256 suffices (no slow hash needed); compared in fixed time.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented.Trim()));
        ApiKeyEntry? match = null;
        foreach (var key in settings.Keys)
            if (CryptographicOperations.FixedTimeEquals(hash, key.Sha256))
                match = key;
        if (match is null)
            return Task.FromResult(Fail("the API key is not one of this cluster's keys: check it, or ask an operator for one (docs/security.md)."));
        Claim[] claims = match.Role == ApiRoles.Operator
            ? [new(ClaimTypes.Name, match.Name), new(ClaimTypes.Role, ApiRoles.Operator), new(ClaimTypes.Role, ApiRoles.Reader)]
            : [new(ClaimTypes.Name, match.Name), new(ClaimTypes.Role, ApiRoles.Reader)];
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    private AuthenticateResult Fail(string why)
    {
        Context.Items[CucosAuthentication.FailureItem] = why;
        return AuthenticateResult.Fail(why);
    }

    // The answer is written by the authorization result handler, as a problem document.
    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => Task.CompletedTask;

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => Task.CompletedTask;
}
