namespace Cucos.State;

/// <summary>
/// Stack traces are for operators: they name source paths and the inside of the silo. Stored analyses keep them;
/// what the API and the CLI show a user goes through <see cref="WithoutStackTraces"/> unless an operator asked.
/// </summary>
public static class StackTraces
{
    /// <summary>A copy of <paramref name="analysis"/> whose errors keep their type and message but no stack trace.</summary>
    public static AnalysisSnapshot WithoutStackTraces(this AnalysisSnapshot analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        return analysis with
        {
            Tasks = analysis.Tasks.ToDictionary(
                entry => entry.Key,
                entry => entry.Value with
                {
                    Error = entry.Value.Error is { } error ? error with { StackTrace = null } : null,
                    PastErrors = [.. entry.Value.PastErrors.Select(error => error with { StackTrace = null })],
                },
                analysis.Tasks.Comparer),
        };
    }
}
