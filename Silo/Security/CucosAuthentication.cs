using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cucos.Silo.Security;

/// <summary>
/// Authentication of the web port: API keys and bearer JWTs, with the roles reader and operator. One fallback policy
/// covers every endpoint that does not say otherwise (every route under <c>/api/v1</c>, whoever maps it, <c>/metrics</c>,
/// the dashboard, the OpenAPI document); only the health endpoints allow anonymous callers. Under <c>/api/v1</c> a GET
/// (or HEAD) needs a reader, any other method an operator.
/// </summary>
public static class CucosAuthentication
{
    /// <summary>The policy scheme that picks API key or JWT for each request.</summary>
    public const string Scheme = "Cucos";

    public const string ApiPrefix = "/api/v1";

    /// <summary>Where a handler leaves the reason a credential was refused, for the 401's detail.</summary>
    internal const string FailureItem = "cucos.auth.failure";

    public static IServiceCollection AddCucosAuthentication(this IServiceCollection services, ApiAuthSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        if (!settings.Enabled)
            return services;
        var authentication = services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "API key or bearer JWT", policy => policy.ForwardDefaultSelector = context =>
                settings.Jwt is not null && BearerToken(context.Request) is { } token && LooksLikeJwt(token)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        if (settings.Jwt is { } jwt)
            authentication.AddJwtBearer(bearer => ConfigureJwt(bearer, jwt));
        services.AddSingleton<IAuthorizationHandler, ApiAccessHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        services.AddAuthorization(authorization => authorization.FallbackPolicy = new AuthorizationPolicyBuilder(Scheme)
            .AddRequirements(new ApiAccessRequirement())
            .Build());
        return services;
    }

    /// <summary>After routing and the exception handler, before any endpoint runs.</summary>
    public static WebApplication UseCucosAuthentication(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<ApiAuthSettings>();
        if (!settings.Enabled)
            return app;
        if (!settings.HasCredentials)
            AuthLog.NoCredentials(app.Logger, ApiAuthSettings.EnabledKey, ApiAuthSettings.KeysSection, ApiAuthSettings.JwtSection);
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    internal static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }

    /// <summary>A compact JWS has three dot-separated parts; an API key has none.</summary>
    internal static bool LooksLikeJwt(string token) => token.Count(c => c == '.') == 2;

    private static void ConfigureJwt(JwtBearerOptions bearer, JwtSettings jwt)
    {
        bearer.MapInboundClaims = false;
        bearer.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
            jwt.JwksUrl.AbsoluteUri, new JwksConfigurationRetriever(),
            new HttpDocumentRetriever { RequireHttps = !ApiAuthSettings.IsLoopback(jwt.JwksUrl) });
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = jwt.Issuer,
            ValidAudience = jwt.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            RoleClaimType = jwt.RoleClaim,
            NameClaimType = "sub",
        };
        bearer.Events = new JwtBearerEvents
        {
            OnAuthenticationFailed = context =>
            {
                context.HttpContext.Items[FailureItem] = Describe(context.Exception, jwt);
                return Task.CompletedTask;
            },
            // The answer is written by the authorization result handler, as a problem document.
            OnChallenge = context =>
            {
                context.HandleResponse();
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>Why a token was refused, in words for its holder; the token itself is never repeated.</summary>
    private static string Describe(Exception exception, JwtSettings jwt) => exception switch
    {
        SecurityTokenExpiredException expired => $"the bearer token expired at {expired.Expires:O}: get a new one from its issuer.",
        SecurityTokenNotYetValidException early => $"the bearer token is not valid before {early.NotBefore:O}.",
        SecurityTokenInvalidIssuerException => $"the bearer token was issued by another issuer than this cluster trusts ({jwt.Issuer}).",
        SecurityTokenInvalidAudienceException => $"the bearer token is not for this cluster's audience ({jwt.Audience}).",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the bearer token's signature does not match any key of the issuer's key set.",
        SecurityTokenNoExpirationException => "the bearer token has no expiry ('exp'); this cluster accepts only tokens that expire.",
        _ when exception is InvalidOperationException or IOException or HttpRequestException => "the issuer's key set could not be read just now; try again in a moment.",
        _ => "the bearer token is not valid.",
    };
}

/// <summary>The fallback policy's one rule: authenticated, and the role the route and method need.</summary>
public sealed class ApiAccessRequirement : IAuthorizationRequirement;

public sealed class ApiAccessHandler : AuthorizationHandler<ApiAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiAccessRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated != true)
            return Task.CompletedTask;
        var needed = context.Resource is HttpContext http ? NeededRole(http.Request) : ApiRoles.Operator;
        if (context.User.IsInRole(ApiRoles.Operator) || (needed == ApiRoles.Reader && context.User.IsInRole(ApiRoles.Reader)))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }

    /// <summary>Only reads outside the API (metrics, dashboard, OpenAPI); under it, anything but GET and HEAD changes something.</summary>
    public static string NeededRole(HttpRequest request) =>
        request.Path.StartsWithSegments(CucosAuthentication.ApiPrefix) && !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            ? ApiRoles.Operator
            : ApiRoles.Reader;
}

/// <summary>401 and 403 as problem documents that say what to send, never what was sent.</summary>
public sealed class ProblemAuthorizationResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler standard = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded || !(authorizeResult.Challenged || authorizeResult.Forbidden))
        {
            await standard.HandleAsync(next, context, policy, authorizeResult);
            return;
        }
        var where = $"{context.Request.Method} {context.Request.Path.ToUriComponent()}";
        string title, detail;
        if (authorizeResult.Challenged)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = $"Bearer, ApiKey header=\"{ApiKeyAuthenticationHandler.Header}\"";
            title = "Authentication required";
            detail = context.Items[CucosAuthentication.FailureItem] as string
                ?? $"{where} needs credentials: send an API key in the {ApiKeyAuthenticationHandler.Header} header, or a bearer token (Authorization: Bearer ...). See docs/security.md.";
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            title = "Not allowed";
            detail = $"'{context.User.Identity?.Name}' may not {where}: that needs the {ApiAccessHandler.NeededRole(context.Request)} role.";
        }
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = context.Response.StatusCode, Title = title, Detail = detail },
        });
    }
}

/// <summary>The authentication's log lines, source-generated.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(3101, LogLevel.Warning, "Authentication is on ({Setting}) but no API key ({Keys}) nor JWT issuer ({Jwt}) is configured: every call but the health endpoints is refused with 401.")]
    public static partial void NoCredentials(ILogger logger, string setting, string keys, string jwt);
}
