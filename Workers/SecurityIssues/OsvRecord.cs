using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cucos.Workers.SecurityIssues;

/// <summary>
/// One OSV record (the OSV schema's fields this worker reports or matches with; others are ignored). Read with
/// <see cref="OsvRecords.Parse"/>, which refuses records that break the schema's required shape.
/// </summary>
public sealed record OsvRecord(
    string Id,
    DateTimeOffset Modified,
    DateTimeOffset? Published,
    DateTimeOffset? Withdrawn,
    IReadOnlyList<string>? Aliases,
    string? Summary,
    IReadOnlyList<OsvSeverity>? Severity,
    IReadOnlyList<OsvAffected>? Affected,
    IReadOnlyList<OsvReference>? References,
    [property: JsonConverter(typeof(OsvDatabaseSpecificConverter))] OsvDatabaseSpecific? DatabaseSpecific);

public sealed record OsvSeverity(string Type, string Score);

public sealed record OsvAffected(OsvPackage? Package, IReadOnlyList<OsvRange>? Ranges, IReadOnlyList<string>? Versions);

public sealed record OsvPackage(string Ecosystem, string Name, string? Purl);

public sealed record OsvRange(string Type, string? Repo, IReadOnlyList<OsvEvent> Events);

/// <summary>One event of a range: exactly one of its four versions is set.</summary>
public sealed record OsvEvent(string? Introduced, string? Fixed, string? LastAffected, string? Limit);

public sealed record OsvReference(string Type, string Url);

/// <summary>The parts of <c>database_specific</c> this worker reads: GitHub's CWE ids and its severity word.</summary>
public sealed record OsvDatabaseSpecific(IReadOnlyList<string> CweIds, string? Severity);

/// <summary>
/// <c>database_specific</c> is free-form per database: read the two fields when they have the shape GitHub gives
/// them and skip everything else, so another database's layout never makes a record unreadable.
/// </summary>
public sealed class OsvDatabaseSpecificConverter : JsonConverter<OsvDatabaseSpecific>
{
    public override OsvDatabaseSpecific? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }
        var cwes = new List<string>();
        string? severity = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            if (name == "cwe_ids" && reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    if (reader.TokenType == JsonTokenType.String)
                        cwes.Add(reader.GetString()!);
                    else
                        reader.Skip();
            }
            else if (name == "severity" && reader.TokenType == JsonTokenType.String)
                severity = reader.GetString();
            else
                reader.Skip();
        }
        return new OsvDatabaseSpecific(cwes, severity);
    }

    public override void Write(Utf8JsonWriter writer, OsvDatabaseSpecific value, JsonSerializerOptions options) =>
        throw new NotSupportedException("OSV records are only read.");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, AllowTrailingCommas = true, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(OsvRecord))]
internal sealed partial class OsvJsonContext : JsonSerializerContext;

/// <summary>Reading OSV records leniently: unknown fields are ignored, a record that breaks the schema's shape is refused with the reason.</summary>
public static class OsvRecords
{
    public static readonly IReadOnlySet<string> RangeTypes = new HashSet<string>(StringComparer.Ordinal) { "SEMVER", "ECOSYSTEM", "GIT" };

    /// <summary>The record, or null with <paramref name="problem"/> saying how it breaks the OSV schema.</summary>
    public static OsvRecord? Parse(ReadOnlySpan<byte> json, out string? problem)
    {
        OsvRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(json, OsvJsonContext.Default.OsvRecord);
        }
        catch (JsonException exception)
        {
            problem = $"not an OSV record ({exception.Message.Split(" Path:")[0].TrimEnd('.')}).";
            return null;
        }
        problem = record is null ? "not an OSV record (the document is null)." : Problem(record);
        return problem is null ? record : null;
    }

    // The schema's requirements that matter for matching; a record breaking one cannot be evaluated as its authors meant.
    private static string? Problem(OsvRecord record)
    {
        if (string.IsNullOrWhiteSpace(record.Id))
            return "not an OSV record: 'id' is missing.";
        if (record.Modified == default)
            return $"{record.Id} breaks the OSV schema: 'modified' is missing.";
        foreach (var affected in record.Affected ?? [])
        {
            if (affected is null)
                return $"{record.Id} breaks the OSV schema: an 'affected' entry is null.";
            if (affected.Package is { } package && (string.IsNullOrEmpty(package.Ecosystem) || string.IsNullOrEmpty(package.Name)))
                return $"{record.Id} breaks the OSV schema: an affected package lacks its 'ecosystem' or 'name'.";
            foreach (var range in affected.Ranges ?? [])
            {
                if (range is null || !RangeTypes.Contains(range.Type ?? ""))
                    return $"{record.Id} breaks the OSV schema: a range's type '{range?.Type}' is not SEMVER, ECOSYSTEM or GIT.";
                if (range.Events is not { Count: > 0 })
                    return $"{record.Id} breaks the OSV schema: a {range.Type} range has no events.";
                if (range.Events.Any(e => e is null || new[] { e.Introduced, e.Fixed, e.LastAffected, e.Limit }.Count(v => v is not null) != 1))
                    return $"{record.Id} breaks the OSV schema: a range event must have exactly one of introduced, fixed, last_affected and limit.";
                if (!range.Events.Any(e => e.Introduced is not null))
                    return $"{record.Id} breaks the OSV schema: a {range.Type} range has no 'introduced' event.";
            }
        }
        return record.Severity?.Any(s => s is null || string.IsNullOrEmpty(s.Type) || string.IsNullOrEmpty(s.Score)) == true
            ? $"{record.Id} breaks the OSV schema: a severity entry lacks its 'type' or 'score'."
            : null;
    }
}
