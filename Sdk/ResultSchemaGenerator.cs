using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Cucos.Sdk;

/// <summary>
/// The JSON Schema (draft 2020-12) of a task's result document, generated from its summary and details records with
/// the serializer's own contract, so the published <c>schemas/&lt;task&gt;.schema.json</c> cannot drift from what the task writes.
/// </summary>
public static class ResultSchemaGenerator
{
    // The result options, plus the nullability the records declare: a schema says "string" where the record does.
    private static readonly JsonSerializerOptions SchemaOptions = CreateSchemaOptions(TaskJson.Options);

    private static readonly JsonSerializerOptions FileOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The whole document's schema: the envelope every result has, with the records as summary and details.</summary>
    public static JsonObject Generate(string taskName, string version, string description, Type summaryType, Type detailsType)
    {
        ArgumentNullException.ThrowIfNull(summaryType);
        ArgumentNullException.ThrowIfNull(detailsType);
        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = $"cucos:{taskName}:{version}",
            ["title"] = $"{taskName} result",
            ["description"] = detailsType.GetCustomAttribute<DescriptionAttribute>()?.Description ?? description,
            ["type"] = "object",
            ["required"] = new JsonArray("status", "summary", "details", "schema", "_release", "_audit"),
            ["properties"] = new JsonObject
            {
                ["status"] = new JsonObject { ["const"] = TaskResult.SuccessStatus },
                ["schema"] = new JsonObject
                {
                    ["type"] = "object",
                    ["required"] = new JsonArray("name", "version"),
                    ["properties"] = new JsonObject
                    {
                        ["name"] = new JsonObject { ["const"] = taskName },
                        ["version"] = new JsonObject { ["type"] = "string" },
                    },
                },
                ["summary"] = Rebased(Of(summaryType), "#/properties/summary"),
                ["details"] = Rebased(Of(detailsType), "#/properties/details"),
                ["_release"] = new JsonObject { ["description"] = "ecosystem:name:version of the analysed package", ["type"] = "string" },
                ["_audit"] = new JsonObject
                {
                    ["type"] = "object",
                    ["required"] = new JsonArray("started_at", "ended_at", "version", "attempt"),
                },
            },
        };
    }

    /// <summary>
    /// The schema of a registered task's result, from the records its assembly marks with
    /// <see cref="TaskResultPartAttribute"/>; null when the task marks no summary or no details record.
    /// </summary>
    public static JsonObject? ForTask(TaskDescriptor task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var (summary, details) = ResultRecords(task.TaskType.Assembly).GetValueOrDefault(task.Name);
        return summary is null || details is null ? null : Generate(task.Name, task.Version, task.Description, summary, details);
    }

    /// <summary>The summary and details records of each task an assembly marks, by task name.</summary>
    public static IReadOnlyDictionary<string, (Type? Summary, Type? Details)> ResultRecords(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var parts = new Dictionary<string, (Type? Summary, Type? Details)>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            if (type.GetCustomAttribute<TaskResultPartAttribute>() is not { } part)
                continue;
            var (summary, details) = parts.GetValueOrDefault(part.TaskName);
            parts[part.TaskName] = part.Part == ResultPart.Summary ? (type, details) : (summary, type);
        }
        return parts;
    }

    /// <summary>The text of a schema file: indented, non-ASCII and quotes unescaped, one newline at the end.</summary>
    public static string ToFileText(JsonObject schema) => schema.ToJsonString(FileOptions) + "\n";

    /// <summary>The schema of one record as it is serialised in results.</summary>
    public static JsonNode Of(Type recordType) => Of(recordType, SchemaOptions);

    /// <summary>
    /// The schema of one record as <paramref name="serializerOptions"/> serialise it (a document other than a result,
    /// such as the version diff), with the same rules as a result's records: the nullability the record declares,
    /// numbers as numbers, every member required unless it is left out when null, no members beyond the record's.
    /// </summary>
    public static JsonNode Of(Type recordType, JsonSerializerOptions serializerOptions)
    {
        ArgumentNullException.ThrowIfNull(serializerOptions);
        var options = ReferenceEquals(serializerOptions, SchemaOptions) ? SchemaOptions : CreateSchemaOptions(serializerOptions);
        return options.GetJsonSchemaAsNode(recordType, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = Transform,
        });
    }

    // The exporter points a type's second occurrence at its first ("#/properties/dependencies/items"), relative to the
    // record's own schema; inside the document those pointers start at the part.
    private static JsonNode Rebased(JsonNode schema, string root)
    {
        foreach (var node in Descendants(schema).OfType<JsonObject>())
            if (node["$ref"] is JsonValue reference && reference.TryGetValue<string>(out var pointer) && pointer.StartsWith('#'))
                node["$ref"] = root + pointer[1..];
        return schema;
    }

    private static IEnumerable<JsonNode> Descendants(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                yield return obj;
                foreach (var child in obj.Select(p => p.Value).ToArray())
                    foreach (var descendant in Descendants(child))
                        yield return descendant;
                break;
            case JsonArray array:
                foreach (var child in array.ToArray())
                    foreach (var descendant in Descendants(child))
                        yield return descendant;
                break;
        }
    }

    private static JsonSerializerOptions CreateSchemaOptions(JsonSerializerOptions serializerOptions)
    {
        var options = new JsonSerializerOptions(serializerOptions)
        {
            RespectNullableAnnotations = true,
            // Web defaults also read numbers from strings; results write numbers, and the schema says so.
            NumberHandling = JsonNumberHandling.Strict,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        options.MakeReadOnly();
        return options;
    }

    private static JsonNode Transform(JsonSchemaExporterContext context, JsonNode schema)
    {
        if (schema is not JsonObject node)
            return schema;
        var description = DescriptionOf(context.PropertyInfo?.AttributeProvider) ?? DescriptionOf(context.PropertyInfo?.AssociatedParameter?.AttributeProvider);
        if (description is not null)
            node.Insert(0, "description", description);
        var attributes = context.PropertyInfo?.AttributeProvider;
        if (Attribute<RegularExpressionAttribute>(attributes) is { } pattern)
            node["pattern"] = pattern.Pattern;
        if (Attribute<RangeAttribute>(attributes) is { } range)
        {
            node["minimum"] = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture);
            node["maximum"] = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
        }
        if (context.TypeInfo.Kind == JsonTypeInfoKind.Object && node["properties"] is JsonObject)
        {
            // A record is written whole: every member is present (null when empty) unless it is left out when null.
            var required = context.TypeInfo.Properties.Where(p => p.Get is not null && !OmittedWhenNull(p)).Select(p => (JsonNode?)p.Name).ToArray();
            node.Remove("required");
            if (required.Length > 0)
                node["required"] = new JsonArray(required);
            node["additionalProperties"] = false;
        }
        return node;
    }

    private static bool OmittedWhenNull(JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: true).OfType<JsonIgnoreAttribute>()
            .Any(a => a.Condition is JsonIgnoreCondition.WhenWritingNull or JsonIgnoreCondition.WhenWritingDefault) == true;

    private static string? DescriptionOf(ICustomAttributeProvider? provider) => Attribute<DescriptionAttribute>(provider)?.Description;

    private static T? Attribute<T>(ICustomAttributeProvider? provider) where T : Attribute =>
        provider?.GetCustomAttributes(typeof(T), inherit: true).OfType<T>().FirstOrDefault();
}
