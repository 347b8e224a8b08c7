using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cucos.Client.Http;

/// <summary>
/// The JSON of the silo's HTTP API: snake_case names and enums as snake_case words, the shape the CLI writes with
/// <c>--output</c>, so an analysis read over HTTP and one read through the grains print alike.
/// </summary>
public static class CucosApiJson
{
    public const string MediaType = "application/json";
    public const string ProblemMediaType = "application/problem+json";

    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Sets the API's conventions on <paramref name="options"/> (the web host's own options, or a client's).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        return options;
    }
}
