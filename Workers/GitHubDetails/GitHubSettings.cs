using Cucos.Sdk;
using Microsoft.Extensions.Configuration;

namespace Cucos.Workers.GitHubDetails;

/// <summary>
/// Where github_details asks and as whom: <c>Cucos:GitHub:ApiBaseUrl</c> (the public API by default, or an Enterprise
/// server's <c>https://ghe.example/api/v3</c>), <c>Cucos:GitHub:Tokens</c> (none: anonymous), <c>Cucos:GitHub:Hosts</c>
/// (the code hosts whose repository URLs that API serves; derived from the API's address when unset), and how long
/// to wait for statistics GitHub is still computing.
/// </summary>
public sealed record GitHubSettings(Uri ApiBaseUrl, IReadOnlyList<string> Tokens, IReadOnlyList<string> Hosts, int StatsAttempts, TimeSpan StatsRetryDelay)
{
    public const string Section = "Cucos:GitHub";
    public const string ApiBaseUrlKey = Section + ":ApiBaseUrl";
    public const string TokensKey = Section + ":Tokens";
    public const string HostsKey = Section + ":Hosts";
    public const string StatsAttemptsKey = Section + ":StatsAttempts";
    public const string StatsRetryDelayKey = Section + ":StatsRetryDelay";

    /// <summary>
    /// Whether an operator asked for GitHub at all (an API base or a token). Without either the worker says
    /// <c>skipped</c>: anonymous calls allow about four analyses an hour, and a silo or CLI without internet would
    /// otherwise keep every analysis waiting on retries of an enrichment nobody configured.
    /// </summary>
    public bool Configured { get; init; }

    /// <summary>The documented default: GitHub's public REST API.</summary>
    public static readonly Uri PublicApi = new("https://api.github.com/");

    public static GitHubSettings Default { get; } = new(PublicApi, [], ["github.com"], 3, TimeSpan.FromSeconds(30));

    /// <summary>The settings; a bad value is a <see cref="FatalTaskException"/> naming the setting and what to give.</summary>
    public static GitHubSettings From(IConfiguration? configuration)
    {
        if (configuration is null)
            return Default;
        var api = PublicApi;
        if (configuration[ApiBaseUrlKey] is { Length: > 0 } text)
        {
            if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https")
                || parsed.Query.Length > 0 || parsed.UserInfo.Length > 0)
                throw new FatalTaskException($"{ApiBaseUrlKey} is '{text}', which is not an http(s) base URL: set it to GitHub's API (https://api.github.com) or an Enterprise server's (https://ghe.example/api/v3).");
            api = parsed;
        }
        var tokens = List(configuration, TokensKey);
        var hosts = List(configuration, HostsKey).Select(h => h.ToLowerInvariant()).ToList();
        if (hosts.Any(h => h.Contains('/') || h.Contains(':')))
            throw new FatalTaskException($"{HostsKey} holds '{hosts.First(h => h.Contains('/') || h.Contains(':'))}', which is not a host name: give host names only, such as ghe.example.");
        if (hosts.Count == 0)
            hosts = [api == PublicApi || api.Host.Equals("api.github.com", StringComparison.OrdinalIgnoreCase) ? "github.com" : api.Host.ToLowerInvariant()];
        var attempts = Default.StatsAttempts;
        if (configuration[StatsAttemptsKey] is { Length: > 0 } a && (!int.TryParse(a, System.Globalization.CultureInfo.InvariantCulture, out attempts) || attempts < 1))
            throw new FatalTaskException($"{StatsAttemptsKey} is '{a}': give a whole number of at least 1 (the attempts that may wait for GitHub's commit statistics).");
        var delay = Default.StatsRetryDelay;
        if (configuration[StatsRetryDelayKey] is { Length: > 0 } d && (!TimeSpan.TryParse(d, System.Globalization.CultureInfo.InvariantCulture, out delay) || delay < TimeSpan.Zero))
            throw new FatalTaskException($"{StatsRetryDelayKey} is '{d}': give a time span such as 00:00:30.");
        return new GitHubSettings(api, tokens, hosts, attempts, delay) { Configured = configuration[ApiBaseUrlKey] is { Length: > 0 } || tokens.Count > 0 };
    }

    /// <summary>A list setting: <c>Key:0</c>, <c>Key:1</c>, ... (environment <c>Key__0</c>), or one value separated by commas or semicolons.</summary>
    private static List<string> List(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var values = section.GetChildren().Select(c => c.Value).Append(section.Value);
        return [.. values.Where(v => !string.IsNullOrWhiteSpace(v))
            .SelectMany(v => v!.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The API's address for messages (never with credentials: the settings refuse user info).</summary>
    public string ShownApi => ApiBaseUrl.GetLeftPart(UriPartial.Path);

    public override string ToString() => $"GitHubSettings {{ ApiBaseUrl = {ShownApi}, Tokens = {Tokens.Count}, Hosts = {string.Join(",", Hosts)} }}";
}
