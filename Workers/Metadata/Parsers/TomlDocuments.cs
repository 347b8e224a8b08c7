using System.Text.Json.Nodes;
using Tomlyn;
using Tomlyn.Model;

namespace Cucos.Workers.Metadata.Parsers;

/// <summary>Reads TOML manifests into JSON nodes, so every format shares the same lenient readers.</summary>
public static class TomlDocuments
{
    public static async Task<JsonObject> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        TomlTable table;
        try
        {
            table = TomlSerializer.Deserialize<TomlTable>(text) ?? [];
        }
        catch (TomlException exception)
        {
            throw new ManifestFormatException($"it is not valid TOML: {exception.Message}");
        }
        return (JsonObject)ToNode(table)!;
    }

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        TomlTable table => new JsonObject(table.Select(p => KeyValuePair.Create(p.Key, ToNode(p.Value)))),
        TomlTableArray tables => new JsonArray([.. tables.Select(ToNode)]),
        TomlArray array => new JsonArray([.. array.Select(ToNode)]),
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        long number => JsonValue.Create(number),
        double number => JsonValue.Create(number),
        _ => JsonValue.Create(value.ToString()),
    };
}
