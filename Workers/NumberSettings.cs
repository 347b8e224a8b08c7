using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Cucos.Workers;

/// <summary>A worker's numeric settings, read in one way with one wording for a value that is not a number.</summary>
public static class NumberSettings
{
    /// <summary><paramref name="key"/> of <paramref name="section"/> (named <paramref name="sectionName"/> in the error), or <paramref name="fallback"/> when it is not set.</summary>
    public static T Read<T>(IConfigurationSection? section, string sectionName, string key, T fallback) where T : IParsable<T>
    {
        if (section?[key] is not { } text)
            return fallback;
        return T.TryParse(text, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"{sectionName}:{key} is '{text}', which is not a number: set it to a plain number, such as {fallback}.");
    }
}
