using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cucos.Sdk;

/// <summary>What <see cref="BaseTask.ExecuteAsync"/> returns: the result document's status, summary and details.</summary>
public sealed record TaskResult(string Status, JsonNode? Summary, JsonNode? Details)
{
    public const string SuccessStatus = "success";
    public const string ErrorStatus = "error";

    /// <summary>A successful result; plain objects are converted to JSON with snake_case names.</summary>
    public static TaskResult Success(object? summary, object? details = null) =>
        new(SuccessStatus, TaskJson.ToNode(summary), TaskJson.ToNode(details));

    /// <summary>
    /// The task ran to the end and found something it reports as an error (for example "not found in the registry").
    /// This is an outcome, not a failure: the task is not retried.
    /// </summary>
    public static TaskResult Error(string message, object? details = null) =>
        new(ErrorStatus, new JsonObject { ["error"] = message }, TaskJson.ToNode(details));
}

/// <summary>The JSON conventions of result documents: snake_case names, no indentation.</summary>
public static class TaskJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
    };

    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement element => JsonNode.Parse(element.GetRawText()),
        _ => JsonSerializer.SerializeToNode(value, value.GetType(), Options),
    };

    public static JsonElement ToElement(JsonNode node) => JsonSerializer.SerializeToElement(node, Options);
}
