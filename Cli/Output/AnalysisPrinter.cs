using System.Globalization;
using System.Text;
using System.Text.Json;
using Cucos.State;

namespace Cucos.Cli.Output;

/// <summary>Prints an analysis for a person: a line per task change while it runs, then a table per worker.</summary>
public sealed class AnalysisPrinter(TextWriter progressOut, TextWriter summaryOut, TimeProvider clock)
{
    private readonly Dictionary<string, (AnalysisTaskStatus Status, int Attempts)> seen = new(StringComparer.Ordinal);
    /// <summary>
    /// Prints what changed since the previous snapshot. Times are the cluster's own (when the task started or ended,
    /// from the analysis' creation), the clock the summary's durations read, so the two agree however late this looks.
    /// </summary>
    public void Progress(AnalysisSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        foreach (var run in Ordered(snapshot))
        {
            if (seen.TryGetValue(run.Name, out var before) && before == (run.Status, run.Attempts))
                continue;
            seen[run.Name] = (run.Status, run.Attempts);
            if (run.Status == AnalysisTaskStatus.Pending && before == default)
                continue;
            var detail = run.Status switch
            {
                AnalysisTaskStatus.Running => $"attempt {run.Attempts}",
                AnalysisTaskStatus.RetryScheduled => $"retry at {When(run.NextAttemptAt)}: {run.Error?.Message}",
                AnalysisTaskStatus.Failed => run.Error?.Message ?? "",
                AnalysisTaskStatus.Skipped => run.SkipReason ?? "",
                _ => "",
            };
            var moment = run.Status == AnalysisTaskStatus.Running ? run.StartedAt : run.EndedAt;
            var elapsed = Math.Max(0, ((moment ?? clock.GetUtcNow()) - snapshot.CreatedAt).TotalSeconds);
            progressOut.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{elapsed,6:0.00}s] {run.Name,-20} {Word(run.Status),-15} {detail}").TrimEnd());
        }
    }

    /// <summary>The closing table: one line per task with its summary, and the error of each failed one.</summary>
    public void Summary(AnalysisSnapshot snapshot)
    {
        var duration = snapshot.FinishedAt is { } finished ? (finished - snapshot.CreatedAt).TotalSeconds : double.NaN;
        summaryOut.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Analysis {snapshot.AnalysisId} of {Describe(snapshot)}: {Word(snapshot.Status)} in {duration:0.00} s"));
        summaryOut.WriteLine();
        summaryOut.WriteLine($"  {"TASK",-20} {"STATUS",-15} {"TRIES",5} {"TIME",9}  SUMMARY");
        foreach (var run in Ordered(snapshot))
        {
            var time = run.StartedAt is { } s && run.EndedAt is { } e ? string.Create(CultureInfo.InvariantCulture, $"{(e - s).TotalSeconds:0.00} s") : "-";
            var summary = run.Status == AnalysisTaskStatus.Skipped ? run.SkipReason ?? "" : Flatten(run.Summary);
            summaryOut.WriteLine($"  {run.Name,-20} {Word(run.Status),-15} {run.Attempts,5} {time,9}  {summary}".TrimEnd());
            if (run.Status == AnalysisTaskStatus.Failed && run.Error is { } error)
                summaryOut.WriteLine($"  {"",-20} error: {ShortType(error.Type)}: {error.Message}");
        }
    }

    /// <summary>A moment in UTC: its time when it is today, else its date too, so that a retry days away does not read as this afternoon.</summary>
    private string When(DateTimeOffset? moment)
    {
        if (moment is not { } value)
            return "-";
        var utc = value.ToUniversalTime();
        var format = utc.Date == clock.GetUtcNow().UtcDateTime.Date ? "HH:mm:ss 'UTC'" : "yyyy-MM-dd HH:mm:ss 'UTC'";
        return utc.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>A local path by its name, a package as a person writes it: <c>npm:chalk@4.1.2</c>.</summary>
    internal static string Describe(AnalysisSnapshot snapshot) =>
        snapshot.Request.Ecosystem == Messages.AnalysisRequest.LocalEcosystem
            ? snapshot.Request.Name
            : $"{snapshot.Request.Ecosystem}:{snapshot.Request.Name}@{snapshot.Request.Version}";

    private static IEnumerable<AnalysisTask> Ordered(AnalysisSnapshot snapshot) => snapshot.Tasks.Values
        .OrderBy(r => r.Kind == AnalysisTaskKind.Callback ? 2 : r.SpawnedBy is null ? 0 : 1)
        .ThenBy(r => r.Name, StringComparer.Ordinal);

    public static string Word<T>(T value) where T : Enum
    {
        var text = value.ToString();
        var builder = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsUpper(c) && builder.Length > 0)
                builder.Append(' ');
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }

    private static string ShortType(string type) => type[(type.LastIndexOf('.') + 1)..];

    /// <summary>
    /// The top-level fields of a summary as <c>key=value</c>: a small object inline (<c>algorithms=MD5:8 MD4:2</c>), a
    /// bigger one or a long list by its count, empty values and hashes left out (the JSON has them), and a long line
    /// cut between two fields, never inside a word.
    /// </summary>
    public static string Flatten(JsonElement? summary)
    {
        if (summary is not { ValueKind: JsonValueKind.Object } element)
            return summary?.ToString() ?? "";
        var parts = element.EnumerateObject().Select(p => Field(p.Name, p.Value)).OfType<string>().ToList();
        var line = new StringBuilder();
        for (var i = 0; i < parts.Count; i++)
        {
            if (line.Length + 1 + parts[i].Length > MaxSummary && i > 0)
            {
                line.Append(CultureInfo.InvariantCulture, $" (+{parts.Count - i} more)");
                break;
            }
            if (line.Length > 0)
                line.Append(' ');
            line.Append(parts[i]);
        }
        return line.ToString();
    }

    private const int MaxSummary = 110;

    private static string? Field(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String when value.GetString() is not { Length: > 0 } text || IsHash(text) => null,
        JsonValueKind.String => $"{name}={Words(value.GetString()!, 40)}",
        JsonValueKind.Object when !value.EnumerateObject().Any() => null,
        JsonValueKind.Object => $"{name}={InlineObject(value)}",
        JsonValueKind.Array => $"{name}={ShortList(value)}",
        _ => $"{name}={value.GetRawText()}",
    };

    // Up to six scalar entries print whole ("MD5:8 MD4:2"); anything bigger or nested as its count.
    private static string InlineObject(JsonElement element)
    {
        var entries = element.EnumerateObject().ToList();
        if (entries.Count <= 6 && entries.All(e => e.Value.ValueKind is JsonValueKind.Number or JsonValueKind.String or JsonValueKind.True or JsonValueKind.False))
            return string.Join(' ', entries.Select(e => $"{e.Name}:{(e.Value.ValueKind == JsonValueKind.String ? Words(e.Value.GetString()!, 24) : e.Value.GetRawText())}"));
        return string.Create(CultureInfo.InvariantCulture, $"({entries.Count})");
    }

    // A short list of names prints whole ("weak=[MD5,SHA-1]"); anything longer as its count.
    private static string ShortList(JsonElement array)
    {
        var items = array.EnumerateArray().ToArray();
        var names = string.Join(',', items.Select(i => i.ValueKind == JsonValueKind.String ? i.GetString() : null));
        return items.All(i => i.ValueKind == JsonValueKind.String) && names.Length <= 40 ? $"[{names}]" : $"[{items.Length}]";
    }

    /// <summary>A hex digest (md5 and longer) or a base64 integrity string: noise in a table.</summary>
    private static bool IsHash(string text) =>
        (text.Length >= 32 && text.All(Uri.IsHexDigit))
        || (text.Length >= 40 && text.Contains('-', StringComparison.Ordinal) && text.StartsWith("sha", StringComparison.OrdinalIgnoreCase));

    /// <summary>At most <paramref name="max"/> characters, cut before a word rather than inside one.</summary>
    private static string Words(string text, int max)
    {
        if (text.Length <= max)
            return text;
        // One long word (a URL, an identifier) prints whole: half of it would mislead.
        var cut = text.LastIndexOf(' ', max - 1);
        return cut > 0 ? text[..cut] + "…" : text;
    }
}
