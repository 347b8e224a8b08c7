using System.Text.Json;

namespace Cucos.Workers.StaticAnalysis;

/// <summary>Reading an analyser's JSON report, an unreadable one stated as such.</summary>
internal static class AnalyserJson
{
    public static JsonDocument Parse(string analyser, string text)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{analyser}'s JSON report cannot be read: {e.Message}", e);
        }
    }
}
