using System.Globalization;
using System.Text;
using System.Text.Json;
using Cucos.State;

namespace Cucos.Cli.Output;

/// <summary>Prints an analysis for a person: a line per task change while it runs, then a table per worker.</summary>
public sealed class AnalysisPrinter(TextWriter progressOut, TextWriter summaryOut, TimeProvider clock)
{
    private readonly Dictionary<string, (AnalysisTaskStatus Status, int Attempts)> seen = new(StringComparer.Ordinal);
    private readonly DateTimeOffset startedAt = clock.GetUtcNow();

    /// <summary>Prints what changed since the previous snapshot.</summary>
    public void Progress(AnalysisSnapshot snapshot)
    {
        var elapsed = (clock.GetUtcNow() - startedAt).TotalSeconds;
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
                AnalysisTaskStatus.RetryScheduled => $"retry at {run.NextAttemptAt:HH:mm:ss}: {run.Error?.Message}",
                AnalysisTaskStatus.Failed => run.Error?.Message ?? "",
                AnalysisTaskStatus.Skipped => run.SkipReason ?? "",
                _ => "",
            };
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

    private static string Describe(AnalysisSnapshot snapshot) =>
        snapshot.Request.Ecosystem == Messages.AnalysisRequest.LocalEcosystem ? snapshot.Request.Name : snapshot.Request.Release;

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

    /// <summary>The top-level fields of a summary as <c>key=value</c>, nested values abbreviated.</summary>
    public static string Flatten(JsonElement? summary)
    {
        if (summary is not { ValueKind: JsonValueKind.Object } element)
            return summary?.ToString() ?? "";
        var parts = element.EnumerateObject().Select(p => p.Name + "=" + p.Value.ValueKind switch
        {
            JsonValueKind.Object => "{…}",
            JsonValueKind.Array => ShortList(p.Value),
            JsonValueKind.Null => "-",
            JsonValueKind.String => Shorten(p.Value.GetString()!, 24),
            _ => p.Value.GetRawText(),
        });
        return Shorten(string.Join(' ', parts), 100);
    }

    // A short list of names prints whole ("weak=[MD5,SHA-1]"); anything longer as its count.
    private static string ShortList(JsonElement array)
    {
        var items = array.EnumerateArray().ToArray();
        var names = string.Join(',', items.Select(i => i.ValueKind == JsonValueKind.String ? i.GetString() : null));
        return items.All(i => i.ValueKind == JsonValueKind.String) && names.Length <= 40 ? $"[{names}]" : $"[{items.Length}]";
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
