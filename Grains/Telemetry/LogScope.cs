using System.Collections;

namespace Cucos.Grains.Telemetry;

/// <summary>
/// The state of a logging scope: <c>AnalysisId</c>, and <c>TaskName</c> and <c>Attempt</c> around a task attempt.
/// Console's JSON formatter and OpenTelemetry's log exporter turn each pair into a property of every log line
/// written inside the scope; the simple console formatter prints <see cref="ToString"/>.
/// </summary>
public sealed class LogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    public const string AnalysisIdKey = "AnalysisId";
    public const string TaskNameKey = "TaskName";
    public const string AttemptKey = "Attempt";

    private readonly KeyValuePair<string, object?>[] pairs;

    private LogScope(KeyValuePair<string, object?>[] pairs) => this.pairs = pairs;

    /// <summary>The scope of an analysis' own work (its steps); an activation keeps one for its lifetime.</summary>
    public static LogScope ForAnalysis(string analysisId) => new([new(AnalysisIdKey, analysisId)]);

    /// <summary>The scope of one task attempt.</summary>
    public static LogScope ForTask(string analysisId, string taskName, int attempt) =>
        new([new(AnalysisIdKey, analysisId), new(TaskNameKey, taskName), new(AttemptKey, attempt)]);

    public int Count => pairs.Length;

    public KeyValuePair<string, object?> this[int index] => pairs[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(" ", pairs.Select(p => $"{p.Key}:{p.Value}"));
}
