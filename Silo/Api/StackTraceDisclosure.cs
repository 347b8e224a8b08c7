namespace Cucos.Silo.Api;

/// <summary>The one decision whether an answer of the API shows the stack traces of task errors.</summary>
public interface IStackTraceDisclosure
{
    bool ShowsStackTraces(HttpContext http);
}

/// <summary>
/// <c>Cucos:Api:IncludeStackTraces</c> (default false), read once at start so a bad value stops the silo there; with
/// authentication on, only an authenticated caller ever gets them.
/// </summary>
public sealed class SettingStackTraceDisclosure : IStackTraceDisclosure
{
    public const string Setting = "Cucos:Api:IncludeStackTraces";

    private readonly bool include;

    private readonly bool authenticationEnabled;

    public SettingStackTraceDisclosure(IConfiguration configuration, Security.ApiAuthSettings authentication)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        authenticationEnabled = authentication.Enabled;
        ArgumentNullException.ThrowIfNull(configuration);
        var value = configuration[Setting];
        if (value is not null && !bool.TryParse(value, out include))
            throw new InvalidOperationException($"{Setting} is '{value}': give true (stack traces in the API's answers, for operators) or false (the default).");
    }

    public bool ShowsStackTraces(HttpContext http) =>
        include && (!authenticationEnabled || http?.User.Identity?.IsAuthenticated == true);
}
