using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Cucos.Grains.Advisories;

/// <summary>A refresh setting that is not a positive duration; the message names the setting and the format.</summary>
public sealed class AdvisoryRefreshConfigurationException(string message) : Exception(message);

/// <summary>
/// How often each advisory source is refreshed (<c>Cucos:Advisories:RefreshInterval</c>, a day by default), how soon
/// after a silo's start the first refresh comes, and the resume and retry intervals of a refresh under way.
/// </summary>
public sealed record AdvisoryRefreshSettings
{
    public const string RefreshIntervalKey = "Cucos:Advisories:RefreshInterval";
    public const string FirstRefreshDelayKey = "Cucos:Advisories:FirstRefreshDelay";
    public const string ResumeIntervalKey = "Cucos:Advisories:ResumeInterval";
    public const string RetryDelayKey = "Cucos:Advisories:RetryDelay";

    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromDays(1);
    public TimeSpan FirstRefreshDelay { get; init; } = TimeSpan.FromMinutes(1);
    public TimeSpan ResumeInterval { get; init; } = TimeSpan.FromMinutes(1);
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMinutes(15);

    public static AdvisoryRefreshSettings From(IConfiguration? configuration) => configuration is null ? new() : new()
    {
        RefreshInterval = Duration(configuration, RefreshIntervalKey, TimeSpan.FromDays(1)),
        FirstRefreshDelay = Duration(configuration, FirstRefreshDelayKey, TimeSpan.FromMinutes(1)),
        ResumeInterval = Duration(configuration, ResumeIntervalKey, TimeSpan.FromMinutes(1)),
        RetryDelay = Duration(configuration, RetryDelayKey, TimeSpan.FromMinutes(15)),
    };

    private static TimeSpan Duration(IConfiguration configuration, string key, TimeSpan fallback)
    {
        if (configuration[key] is not { Length: > 0 } text)
            return fallback;
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero)
            return value;
        throw new AdvisoryRefreshConfigurationException($"{key} is '{text}', which is not a positive duration: write it as d.hh:mm:ss (1.00:00:00 is a day).");
    }
}
