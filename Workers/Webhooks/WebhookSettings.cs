using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Cucos.Workers.Webhooks;

/// <summary>
/// How the cluster delivers webhooks, from <c>Cucos:Webhooks:*</c>: the signing <see cref="Secret"/> (none: no webhooks),
/// the cluster-wide default <see cref="Url"/>, the allow-list (<see cref="AllowedHosts"/>: host names, addresses or CIDR
/// ranges the cluster may call although they are loopback, private or link-local; with <see cref="OnlyAllowedHosts"/>
/// the only ones it may call), and the retry schedule: <see cref="MaxAttempts"/> attempts, the first retry after
/// <see cref="InitialDelay"/>, each later one twice as late, none later than <see cref="MaxDelay"/> (a receiver's
/// <c>Retry-After</c> included), each attempt at most <see cref="RequestTimeout"/>.
/// </summary>
public sealed record WebhookSettings
{
    public const string Section = "Cucos:Webhooks";
    public const string SecretKey = Section + ":Secret";
    public const string UrlKey = Section + ":Url";
    public const string AllowedHostsKey = Section + ":AllowedHosts";
    public const string OnlyAllowedHostsKey = Section + ":OnlyAllowedHosts";
    public const string MaxAttemptsKey = Section + ":MaxAttempts";
    public const string InitialDelayKey = Section + ":InitialDelay";
    public const string MaxDelayKey = Section + ":MaxDelay";
    public const string RequestTimeoutKey = Section + ":RequestTimeout";
    public const string ApiBaseUrlKey = Section + ":ApiBaseUrl";

    /// <summary>The HMAC-SHA256 key of <c>X-Cucos-Signature</c>; null: this cluster delivers no webhooks.</summary>
    public string? Secret { get; init; }
    public string? Url { get; init; }
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];
    public bool OnlyAllowedHosts { get; init; }
    public int MaxAttempts { get; init; } = 8;
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>The API's public address (<c>https://cucos.example</c>) the payload's links start with; null: links are paths.</summary>
    public Uri? ApiBaseUrl { get; init; }

    /// <summary>The settings; a bad value is an <see cref="InvalidOperationException"/> naming the setting and what to give, at start.</summary>
    public static WebhookSettings From(IConfiguration? configuration)
    {
        var settings = new WebhookSettings();
        if (configuration is null)
            return settings;
        var secret = configuration[SecretKey] is { Length: > 0 } s ? s : null;
        if (secret is { Length: < 16 })
            throw new InvalidOperationException($"{SecretKey} is shorter than 16 characters: give a random secret of at least 32 characters (for example the output of 'openssl rand -hex 32').");
        var url = configuration[UrlKey] is { Length: > 0 } u ? u : null;
        if (url is not null && Messages.RequestChecks.OfWebhookUrl(url) is { } problem)
            throw new InvalidOperationException($"{UrlKey} is not a webhook URL: {problem.Message.Replace("'webhook_url'", "the URL", StringComparison.Ordinal)}");
        if (url is not null && secret is null)
            throw new InvalidOperationException($"{UrlKey} is set but {SecretKey} is not: every delivery is signed, so set a secret (or leave {UrlKey} out).");
        var allowed = List(configuration, AllowedHostsKey);
        if (allowed.FirstOrDefault(entry => WebhookAllowList.Parse(entry) is null) is { } bad)
            throw new InvalidOperationException($"{AllowedHostsKey} holds '{bad}', which is not a host name, an IP address or a CIDR range (such as hooks.internal, 10.0.0.7 or 10.1.0.0/16).");
        Uri? apiBase = null;
        if (configuration[ApiBaseUrlKey] is { Length: > 0 } a
            && (!Uri.TryCreate(a, UriKind.Absolute, out apiBase) || apiBase.Scheme is not ("http" or "https") || apiBase.UserInfo.Length > 0 || apiBase.Query.Length > 0))
            throw new InvalidOperationException($"{ApiBaseUrlKey} is '{a}', which is not an http(s) base URL: give the API's public address, such as https://cucos.example.");
        return settings with
        {
            Secret = secret,
            Url = url,
            AllowedHosts = allowed,
            OnlyAllowedHosts = Flag(configuration, OnlyAllowedHostsKey),
            MaxAttempts = Number(configuration, MaxAttemptsKey, settings.MaxAttempts),
            InitialDelay = Span(configuration, InitialDelayKey, settings.InitialDelay),
            MaxDelay = Span(configuration, MaxDelayKey, settings.MaxDelay),
            RequestTimeout = Span(configuration, RequestTimeoutKey, settings.RequestTimeout, positive: true),
            ApiBaseUrl = apiBase,
        };
    }

    /// <summary>The retry schedule of the webhook task: the settings' attempts and delays, a receiver's Retry-After cut to <see cref="MaxDelay"/>.</summary>
    public Sdk.RetryPolicy RetryPolicy => new(MaxAttempts, InitialDelay, 2.0, MaxDelay < InitialDelay ? InitialDelay : MaxDelay)
    {
        MaxRequestedDelay = MaxDelay < InitialDelay ? InitialDelay : MaxDelay,
    };

    // Never the secret: these settings are logged and shown in messages.
    public override string ToString() =>
        $"WebhookSettings {{ Secret = {(Secret is null ? "none" : "set")}, Url = {(Url is null ? "none" : "set")}, AllowedHosts = {string.Join(",", AllowedHosts)}, OnlyAllowedHosts = {OnlyAllowedHosts}, MaxAttempts = {MaxAttempts} }}";

    private static List<string> List(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var values = section.GetChildren().Select(c => c.Value).Append(section.Value);
        return [.. values.Where(v => !string.IsNullOrWhiteSpace(v))
            .SelectMany(v => v!.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    private static bool Flag(IConfiguration configuration, string key) => configuration[key] switch
    {
        null or "" => false,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw new InvalidOperationException($"{key} is '{text}': give true or false."),
    };

    private static int Number(IConfiguration configuration, string key, int fallback) => configuration[key] switch
    {
        null or "" => fallback,
        var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 100 => value,
        var text => throw new InvalidOperationException($"{key} is '{text}': give a whole number from 1 to 100 (the delivery attempts, the first included)."),
    };

    private static TimeSpan Span(IConfiguration configuration, string key, TimeSpan fallback, bool positive = false) => configuration[key] switch
    {
        null or "" => fallback,
        var text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && (positive ? value > TimeSpan.Zero : value >= TimeSpan.Zero) => value,
        var text => throw new InvalidOperationException($"{key} is '{text}': give a {(positive ? "positive " : "")}time span such as 00:00:30."),
    };
}
