namespace Cucos.Workers.SecurityIssues.Cvss;

/// <summary>
/// A parsed CVSS v3.0, v3.1 or v4.0 vector string: its version and the value of every metric it defines.
/// Parsing checks what the specifications require of a vector string (v3.1 §6, v4.0 §7): the prefix, every base
/// metric present, known metrics with allowed values, none twice, and for v4.0 the order of its metric table.
/// </summary>
public sealed class CvssVector
{
    private readonly Dictionary<string, string> values;

    private CvssVector(string version, Dictionary<string, string> values)
    {
        Version = version;
        this.values = values;
    }

    /// <summary>"3.0", "3.1" or "4.0".</summary>
    public string Version { get; }

    public bool IsVersion4 => Version == "4.0";

    /// <summary>The metrics the vector gives a defined value (a metric written as X, "Not Defined", is left out).</summary>
    public IReadOnlyDictionary<string, string> Metrics => values;

    /// <summary>The metric's value as written, or "X" (Not Defined) when the vector leaves it out.</summary>
    public string this[string metric] => values.GetValueOrDefault(metric, CvssMetrics.NotDefined);

    /// <summary>Whether the vector defines any metric of the group.</summary>
    public bool Has(CvssMetricGroup group) => CvssMetrics.For(Version).Any(m => m.Group == group && values.ContainsKey(m.Key));

    /// <summary>The vector in the specification's metric order, without Not Defined metrics.</summary>
    public override string ToString() =>
        string.Join('/', CvssMetrics.For(Version).Where(m => values.ContainsKey(m.Key)).Select(m => m.Key + ":" + values[m.Key])
            .Prepend("CVSS:" + Version));

    /// <summary>This vector with only its base metrics, the one a base score (v4.0: CVSS-B) is computed from.</summary>
    public CvssVector BaseOnly() =>
        new(Version, CvssMetrics.For(Version).Where(m => m.Base).ToDictionary(m => m.Key, m => values[m.Key], StringComparer.Ordinal));

    public static bool TryParse(string? text, out CvssVector? vector, out string? error)
    {
        vector = null;
        error = Parse(text?.Trim() ?? "", out var version, out var parsed);
        if (error is not null)
            return false;
        vector = new CvssVector(version!, parsed!);
        return true;
    }

    private static string? Parse(string text, out string? version, out Dictionary<string, string>? parsed)
    {
        version = null;
        parsed = null;
        var shown = Shorten(text, 120);
        if (text.Length == 0)
            return "The CVSS vector is empty; give one such as 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'.";
        var parts = text.Split('/');
        version = parts[0] switch { "CVSS:3.0" => "3.0", "CVSS:3.1" => "3.1", "CVSS:4.0" => "4.0", _ => null };
        if (version is null)
            return $"The CVSS vector '{shown}' does not start with CVSS:3.0, CVSS:3.1 or CVSS:4.0; only those versions are scored.";
        var table = CvssMetrics.For(version);
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var written = new HashSet<string>(StringComparer.Ordinal);
        var lastPosition = -1;
        foreach (var part in parts.Skip(1))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == part.Length - 1 || part.IndexOf(':', colon + 1) >= 0)
                return $"The CVSS vector '{shown}' has '{Shorten(part, 20)}' where a metric such as 'AV:N' belongs; metrics are KEY:VALUE separated by '/'.";
            var key = part[..colon];
            var value = part[(colon + 1)..];
            var position = IndexOf(table, key);
            if (position < 0)
                return $"The CVSS {version} vector '{shown}' has the unknown metric '{Shorten(key, 20)}'; CVSS {version} defines {string.Join(", ", table.Select(m => m.Key))}.";
            if (!written.Add(key))
                return $"The CVSS {version} vector '{shown}' gives the metric {key} more than once; each metric may appear once.";
            var metric = table[position];
            if (!metric.Values.Contains(value, StringComparer.Ordinal))
                return $"The CVSS {version} vector '{shown}' gives {key} the value '{Shorten(value, 20)}'; {key} takes one of {string.Join(", ", metric.Values)}.";
            // v4.0 §7 fixes the order of the metrics in a vector string; v3.x (§6) allows any order.
            if (version == "4.0" && position < lastPosition)
                return $"The CVSS 4.0 vector '{shown}' has {key} after {table[lastPosition].Key}; CVSS 4.0 metrics must follow the specification's order ({string.Join(", ", table.Select(m => m.Key))}).";
            lastPosition = Math.Max(lastPosition, position);
            if (value != CvssMetrics.NotDefined)
                found[key] = value;
        }
        var missing = table.Where(m => m.Base && !found.ContainsKey(m.Key)).Select(m => m.Key).ToArray();
        if (missing.Length > 0)
            return $"The CVSS {version} vector '{shown}' lacks the base metric{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing)}; every base metric ({string.Join(", ", table.Where(m => m.Base).Select(m => m.Key))}) is mandatory.";
        parsed = found;
        return null;
    }

    // The message quotes what was wrong; garbage of any length must not make it unreadable.
    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    private static int IndexOf(IReadOnlyList<CvssMetric> table, string key)
    {
        for (var i = 0; i < table.Count; i++)
            if (table[i].Key == key)
                return i;
        return -1;
    }
}
