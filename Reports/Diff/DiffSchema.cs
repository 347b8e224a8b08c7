using System.Text.Json.Nodes;
using Cucos.Sdk;

namespace Cucos.Reports.Diff;

/// <summary>
/// The JSON Schema (draft 2020-12) of the diff document (<see cref="DiffWriter.Json"/>, <c>GET /api/v1/diff</c>),
/// generated from <see cref="VersionDiff"/> with the writer's own options, so <c>schemas/diff.schema.json</c> and the
/// OpenAPI document cannot drift from what is sent.
/// </summary>
public static class DiffSchema
{
    /// <summary>The file under <c>schemas/</c>.</summary>
    public const string FileName = "diff.schema.json";

    /// <summary>Raised when the document changes shape incompatibly (a member removed or renamed, a type changed).</summary>
    public const string Version = "1";

    public static JsonObject Generate()
    {
        var record = ResultSchemaGenerator.Of(typeof(VersionDiff), DiffWriter.JsonOptions).AsObject();
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = $"cucos:diff:{Version}",
            ["title"] = "version diff",
            ["description"] = "What the 'to' version of a package brings in over the 'from' version, from two finished analyses' stored results.",
        };
        // The record's schema is the document's: its pointers ("#/properties/from") already start at the root.
        foreach (var (keyword, value) in record.ToArray())
        {
            record.Remove(keyword);
            schema[keyword] = value;
        }
        return schema;
    }
}
