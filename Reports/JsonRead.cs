using System.Text.Json;

namespace Cucos.Reports;

/// <summary>Tolerant reads of stored result documents: a missing or mistyped field is absent, never an exception.</summary>
internal static class JsonRead
{
    public static string? String(this JsonElement? element, string property) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() is { Length: > 0 } text ? text : null
            : null;

    public static string? String(this JsonElement element, string property) => ((JsonElement?)element).String(property);

    public static JsonElement? Object(this JsonElement? element, string property) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    public static JsonElement? Object(this JsonElement element, string property) => ((JsonElement?)element).Object(property);

    public static IEnumerable<JsonElement> Array(this JsonElement? element, string property) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    public static IEnumerable<JsonElement> Array(this JsonElement element, string property) => ((JsonElement?)element).Array(property);

    public static IEnumerable<string> Strings(this JsonElement element, string property) =>
        element.Array(property).Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).Where(s => s.Length > 0);

    public static double? Number(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    public static long? Integer(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    public static bool Boolean(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;
}
