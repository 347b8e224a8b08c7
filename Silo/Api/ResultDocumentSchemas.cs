using System.Globalization;
using System.Text.Json.Nodes;
using Cucos.Client.Http;
using Cucos.Reports.Diff;
using Cucos.Sdk;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Cucos.Silo.Api;

/// <summary>
/// Puts the result documents' own schemas into the OpenAPI document: one component <c>&lt;task&gt;_result</c> per
/// registered task with result records (the schema of <c>schemas/&lt;task&gt;.schema.json</c>, generated from the same
/// records), and the task-result route's answer as one of them. Without this the route is described as <c>{}</c>,
/// since the silo hands the stored JSON through untyped. The diff route's JSON answer is described the same way, by
/// the component <c>version_diff</c> (the schema of <c>schemas/diff.schema.json</c>).
/// </summary>
internal sealed class ResultDocumentSchemas(TaskRegistry registry) : IOpenApiDocumentTransformer
{
    public const string ResultOperationId = "GetTaskResult";
    public const string DiffOperationId = "DiffAnalyses";

    /// <summary>The component of the diff document (<c>schemas/diff.schema.json</c>).</summary>
    public const string DiffComponentName = "version_diff";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        var results = new List<IOpenApiSchema>();
        foreach (var task in registry.All)
        {
            if (ResultSchemaGenerator.ForTask(task) is not { } schema)
                continue;
            var name = ComponentName(task.Name);
            document.Components.Schemas[name] = new JsonSchemaConverter(document, name, schema).Convert();
            results.Add(new OpenApiSchemaReference(name, document));
        }

        // The diff route writes VersionDiff with DiffWriter's snake_case options, which the framework's own schema of
        // the record would not know: it is described by schemas/diff.schema.json's schema instead.
        document.Components.Schemas[DiffComponentName] = new JsonSchemaConverter(document, DiffComponentName, DiffSchema.Generate()).Convert();

        foreach (var operation in (document.Paths ?? []).Values.SelectMany(path => path.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
        {
            if (operation.OperationId is not (ResultOperationId or DiffOperationId) || operation.Responses?.GetValueOrDefault("200") is not OpenApiResponse ok)
                continue;
            ok.Content ??= new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal);
            ok.Content[CucosApiJson.MediaType] = new OpenApiMediaType
            {
                Schema = operation.OperationId == DiffOperationId ? new OpenApiSchemaReference(DiffComponentName, document) : new OpenApiSchema { OneOf = results },
            };
        }
        return Task.CompletedTask;
    }

    /// <summary>Component names allow letters, digits, '.', '-' and '_': task names are made of those.</summary>
    public static string ComponentName(string taskName) => taskName + "_result";

    /// <summary>
    /// Turns the JSON Schema the generator writes into the OpenAPI object model, keyword by keyword. The generator uses
    /// a small set of keywords; one it starts using that is not handled here stops the document with its name rather
    /// than silently describing less. A <c>$ref</c> (the exporter's pointer to a type's first occurrence, a JSON pointer
    /// into the result schema) becomes a component of its own, so it still resolves inside the OpenAPI document.
    /// </summary>
    private sealed class JsonSchemaConverter(OpenApiDocument document, string rootName, JsonObject root)
    {
        private readonly HashSet<string> targets = [.. References(root)];
        private readonly Dictionary<string, string> components = new(StringComparer.Ordinal);

        public IOpenApiSchema Convert() => Build(root, "");

        private IOpenApiSchema At(JsonNode? node, string pointer) =>
            targets.Contains(pointer) ? Component(pointer) : Build(node, pointer);

        private OpenApiSchemaReference Component(string pointer)
        {
            if (!components.TryGetValue(pointer, out var name))
            {
                name = rootName + string.Concat(pointer.Split('/', StringSplitOptions.RemoveEmptyEntries)
                    .Where(segment => segment != "properties").Select(segment => "." + segment));
                if (components.ContainsValue(name) || document.Components!.Schemas!.ContainsKey(name))
                    throw new InvalidOperationException($"two parts of the {rootName} schema would share the component name {name}.");
                components[pointer] = name;
                // Registered before it is built, so a part that refers to itself refers to this component.
                document.Components!.Schemas![name] = new OpenApiSchema();
                document.Components.Schemas[name] = Build(Resolve(pointer), pointer);
            }
            return new OpenApiSchemaReference(name, document);
        }

        private IOpenApiSchema Build(JsonNode? node, string pointer)
        {
            if (node is JsonValue flag && flag.TryGetValue<bool>(out var allowed))
                return allowed ? new OpenApiSchema() : new OpenApiSchema { Not = new OpenApiSchema() };
            if (node is not JsonObject keywords)
                throw new InvalidOperationException($"the {rootName} schema has '{node?.ToJsonString()}' at #{pointer} where a schema belongs.");

            var schema = new OpenApiSchema();
            foreach (var (keyword, value) in keywords)
            {
                switch (keyword)
                {
                    case "$schema" or "$id":
                        break; // the OpenAPI document is the schema's context now
                    case "$ref":
                        var target = Text(value, keyword, pointer);
                        var reference = Component(target.TrimStart('#'));
                        if (keywords["description"] is JsonValue said)
                            reference.Description = said.GetValue<string>();
                        return reference;
                    case "type":
                        schema.Type = Types(value, pointer);
                        break;
                    case "title":
                        schema.Title = Text(value, keyword, pointer);
                        break;
                    case "description":
                        schema.Description = Text(value, keyword, pointer);
                        break;
                    case "format":
                        schema.Format = Text(value, keyword, pointer);
                        break;
                    case "pattern":
                        schema.Pattern = Text(value, keyword, pointer);
                        break;
                    case "const":
                        schema.Const = value?.ToString();
                        break;
                    case "default":
                        schema.Default = value?.DeepClone();
                        break;
                    case "minimum":
                        schema.Minimum = Number(value, keyword, pointer);
                        break;
                    case "maximum":
                        schema.Maximum = Number(value, keyword, pointer);
                        break;
                    case "required":
                        schema.Required = new HashSet<string>(value!.AsArray().Select(name => name!.GetValue<string>()), StringComparer.Ordinal);
                        break;
                    case "properties":
                        schema.Properties = value!.AsObject().ToDictionary(
                            property => property.Key,
                            property => At(property.Value, $"{pointer}/properties/{Escape(property.Key)}"),
                            StringComparer.Ordinal);
                        break;
                    case "items":
                        schema.Items = At(value, pointer + "/items");
                        break;
                    case "additionalProperties":
                        if (value is JsonValue additional && additional.TryGetValue<bool>(out var open))
                            schema.AdditionalPropertiesAllowed = open;
                        else
                            schema.AdditionalProperties = At(value, pointer + "/additionalProperties");
                        break;
                    default:
                        throw new InvalidOperationException(
                            $"the {rootName} schema uses the keyword '{keyword}' at #{pointer}, which ResultDocumentSchemas does not carry into the OpenAPI document yet: add it there.");
                }
            }
            return schema;
        }

        private JsonNode? Resolve(string pointer)
        {
            JsonNode? node = root;
            foreach (var segment in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
                node = node?[Unescape(segment)];
            return node ?? throw new InvalidOperationException($"the {rootName} schema refers to #{pointer}, which it does not have.");
        }

        private static IEnumerable<string> References(JsonNode? node) => node switch
        {
            JsonObject obj => (obj["$ref"] is JsonValue reference && reference.TryGetValue<string>(out var pointer) ? [pointer.TrimStart('#')] : Enumerable.Empty<string>())
                .Concat(obj.SelectMany(property => References(property.Value))),
            JsonArray array => array.SelectMany(References),
            _ => [],
        };

        private JsonSchemaType Types(JsonNode? value, string pointer)
        {
            JsonNode?[] names = value is JsonArray many ? [.. many] : [value];
            JsonSchemaType type = 0;
            foreach (var name in names)
                type |= Text(name, "type", pointer) switch
                {
                    "null" => JsonSchemaType.Null,
                    "boolean" => JsonSchemaType.Boolean,
                    "integer" => JsonSchemaType.Integer,
                    "number" => JsonSchemaType.Number,
                    "string" => JsonSchemaType.String,
                    "object" => JsonSchemaType.Object,
                    "array" => JsonSchemaType.Array,
                    var other => throw new InvalidOperationException($"the {rootName} schema has the unknown type '{other}' at #{pointer}."),
                };
            return type;
        }

        private string Text(JsonNode? value, string keyword, string pointer) =>
            value is JsonValue text && text.TryGetValue<string>(out var result)
                ? result
                : throw new InvalidOperationException($"the {rootName} schema's '{keyword}' at #{pointer} is not a string.");

        private string Number(JsonNode? value, string keyword, string pointer) =>
            value is JsonValue number && number.TryGetValue<double>(out var result)
                ? result.ToString(CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"the {rootName} schema's '{keyword}' at #{pointer} is not a number.");

        private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

        private static string Unescape(string segment) => segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
    }
}
