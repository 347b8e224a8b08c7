using Microsoft.Extensions.Configuration;

namespace Cucos.Grains.Usage;

/// <summary>A usage setting that is missing or wrong; the message names the setting and what to give (never a key's content).</summary>
public sealed class UsageConfigurationException(string message) : Exception(message);

/// <summary>
/// The <c>Cucos:Usage</c> settings: how often each ecosystem's usage figures are refreshed, the BigQuery endpoint,
/// project and service account, and the query per ecosystem. Without a project id (here or in the key) usage is off.
/// </summary>
public sealed record UsageSettings
{
    public const string Section = "Cucos:Usage";
    public const string RefreshIntervalKey = "Cucos:Usage:RefreshInterval";
    public const string FirstRefreshDelayKey = "Cucos:Usage:FirstRefreshDelay";
    public const string ResumeIntervalKey = "Cucos:Usage:ResumeInterval";
    public const string RetryDelayKey = "Cucos:Usage:RetryDelay";
    public const string EcosystemsKey = "Cucos:Usage:Ecosystems";
    public const string QueriesKey = "Cucos:Usage:Queries";
    public const string BaseUrlKey = "Cucos:Usage:BigQuery:BaseUrl";
    public const string TokenUrlKey = "Cucos:Usage:BigQuery:TokenUrl";
    public const string ProjectIdKey = "Cucos:Usage:BigQuery:ProjectId";
    public const string KeyFileKey = "Cucos:Usage:BigQuery:KeyFile";
    public const string KeyKey = "Cucos:Usage:BigQuery:Key";
    public const string ScopeKey = "Cucos:Usage:BigQuery:Scope";
    public const string PageSizeKey = "Cucos:Usage:BigQuery:PageSize";
    public const string PollIntervalKey = "Cucos:Usage:BigQuery:PollInterval";

    /// <summary>The documented default endpoints: Google's; every one can be set to another host.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://bigquery.googleapis.com/bigquery/v2/");
    public static readonly Uri DefaultTokenUrl = new("https://oauth2.googleapis.com/token");
    public const string DefaultScope = "https://www.googleapis.com/auth/bigquery.readonly";

    /// <summary>
    /// The default npm query, the predecessor's idea in our own words: per package, the GitHub repositories of the
    /// public GitHub dataset whose package.json files (outside node_modules) list it under "dependencies".
    /// </summary>
    public const string DefaultNpmQuery = """
        SELECT dependency AS package, COUNT(DISTINCT repo_name) AS repositories
        FROM (
          SELECT files.repo_name, dependency
          FROM `bigquery-public-data.github_repos.files` AS files
          JOIN `bigquery-public-data.github_repos.contents` AS contents ON files.id = contents.id,
          UNNEST(REGEXP_EXTRACT_ALL(
            REGEXP_EXTRACT(contents.content, r'"dependencies"\s*:\s*\{([^}]*)\}'),
            r'"([^"]+)"\s*:')) AS dependency
          WHERE files.path LIKE '%package.json' AND files.path NOT LIKE '%node_modules/%'
        )
        GROUP BY dependency
        """;

    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromDays(1);
    public TimeSpan FirstRefreshDelay { get; init; } = TimeSpan.FromMinutes(1);
    public TimeSpan ResumeInterval { get; init; } = TimeSpan.FromMinutes(1);
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMinutes(15);
    public Uri BaseUrl { get; init; } = DefaultBaseUrl;
    public Uri? TokenUrl { get; init; }
    public string? ProjectId { get; init; }
    public string? KeyFile { get; init; }
    /// <summary>The service-account key JSON itself (a secret setting); preferred over <see cref="KeyFile"/>.</summary>
    public string? Key { get; init; }
    public string Scope { get; init; } = DefaultScope;
    public int PageSize { get; init; } = 10_000;
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);
    public IReadOnlyDictionary<string, string> Queries { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["npm"] = DefaultNpmQuery };
    public IReadOnlyList<string> Ecosystems { get; init; } = ["npm"];

    /// <summary>A service account is configured: the refresh grains are scheduled.</summary>
    public bool Enabled => Key is not null || KeyFile is not null;

    // Secrets stay out of ToString (a logged record would otherwise print the key).
    public override string ToString() => $"UsageSettings {{ BaseUrl = {BaseUrl}, ProjectId = {ProjectId}, Ecosystems = {string.Join(",", Ecosystems)} }}";

    public string QueryFor(string ecosystem) => Queries.TryGetValue(ecosystem, out var query) && !string.IsNullOrWhiteSpace(query)
        ? query
        : throw new UsageConfigurationException($"{QueriesKey}:{ecosystem} is not set: give the BigQuery SQL that returns one row per {ecosystem} package with its name and the count of repositories depending on it (columns package, repositories).");

    public static UsageSettings From(IConfiguration? configuration)
    {
        if (configuration is null)
            return new UsageSettings();
        var queries = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["npm"] = DefaultNpmQuery };
        foreach (var child in configuration.GetSection(QueriesKey).GetChildren())
            if (child.Value is { Length: > 0 } text)
                queries[child.Key] = text;
        var ecosystems = configuration.GetSection(EcosystemsKey).GetChildren().Select(c => c.Value).OfType<string>().Where(v => v.Length > 0).ToList();
        if (ecosystems.Count == 0 && configuration[EcosystemsKey] is { Length: > 0 } list)
            ecosystems = [.. list.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        return new UsageSettings
        {
            RefreshInterval = Duration(configuration, RefreshIntervalKey, TimeSpan.FromDays(1)),
            FirstRefreshDelay = Duration(configuration, FirstRefreshDelayKey, TimeSpan.FromMinutes(1)),
            ResumeInterval = Duration(configuration, ResumeIntervalKey, TimeSpan.FromMinutes(1)),
            RetryDelay = Duration(configuration, RetryDelayKey, TimeSpan.FromMinutes(15)),
            BaseUrl = Url(configuration, BaseUrlKey) ?? DefaultBaseUrl,
            TokenUrl = Url(configuration, TokenUrlKey),
            ProjectId = configuration[ProjectIdKey] is { Length: > 0 } project ? project : null,
            KeyFile = configuration[KeyFileKey] is { Length: > 0 } file ? file : null,
            Key = configuration[KeyKey] is { Length: > 0 } key ? key : null,
            Scope = configuration[ScopeKey] is { Length: > 0 } scope ? scope : DefaultScope,
            PageSize = configuration[PageSizeKey] is { Length: > 0 } size
                ? int.TryParse(size, out var pageSize) && pageSize is > 0 and <= 100_000 ? pageSize
                    : throw new UsageConfigurationException($"{PageSizeKey} is '{size}': give the rows per page, 1 to 100000.")
                : 10_000,
            PollInterval = Duration(configuration, PollIntervalKey, TimeSpan.FromSeconds(2), allowZero: true),
            Queries = queries,
            Ecosystems = ecosystems.Count > 0 ? ecosystems : ["npm"],
        };
    }

    private static TimeSpan Duration(IConfiguration configuration, string key, TimeSpan fallback, bool allowZero = false)
    {
        if (configuration[key] is not { Length: > 0 } text)
            return fallback;
        if (TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && (value > TimeSpan.Zero || (allowZero && value == TimeSpan.Zero)))
            return value;
        throw new UsageConfigurationException($"{key} is '{text}', which is not a positive duration: write it as d.hh:mm:ss (1.00:00:00 is a day).");
    }

    private static Uri? Url(IConfiguration configuration, string key)
    {
        if (configuration[key] is not { Length: > 0 } text)
            return null;
        if (Uri.TryCreate(text.EndsWith('/') || key == TokenUrlKey ? text : text + "/", UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
            return url;
        throw new UsageConfigurationException($"{key} is '{text}', which is not an http(s) URL.");
    }
}
