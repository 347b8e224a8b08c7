using System.Text.Json;
using Orleans.Serialization.Cloning;

namespace Cucos.Serialization;

/// <summary>Carries a <see cref="JsonElement"/> across grain calls as its JSON text.</summary>
[GenerateSerializer, Alias("cucos.JsonElementSurrogate")]
public struct JsonElementSurrogate
{
    [Id(0)] public string Json { get; set; }
}

[RegisterConverter]
public sealed class JsonElementSurrogateConverter : IConverter<JsonElement, JsonElementSurrogate>
{
    public JsonElement ConvertFromSurrogate(in JsonElementSurrogate surrogate)
    {
        using var document = JsonDocument.Parse(surrogate.Json);
        return document.RootElement.Clone();
    }

    public JsonElementSurrogate ConvertToSurrogate(in JsonElement value) => new() { Json = value.GetRawText() };
}

/// <summary>A cloned <see cref="JsonElement"/> owns its buffer and is never mutated, so a copy can share it.</summary>
[RegisterCopier]
public sealed class JsonElementCopier : IDeepCopier<JsonElement>
{
    public JsonElement DeepCopy(JsonElement input, CopyContext context) => input;
}
