namespace Cucos.Messages;

/// <summary>One thing wrong with an analysis request: the field it is about and a sentence saying what to do.</summary>
/// <param name="Field">The request's field as the HTTP API names it (<see cref="RequestFields"/>).</param>
[GenerateSerializer, Alias("cucos.RequestProblem")]
public sealed record RequestProblem([property: Id(0)] string Field, [property: Id(1)] string Message);

/// <summary>The field names problems are reported under: the snake_case names of the HTTP API's body.</summary>
public static class RequestFields
{
    public const string Package = "package";
    public const string Ecosystem = "ecosystem";
    public const string Name = "name";
    public const string Version = "version";
    public const string SourcePath = "source_path";
    public const string Tasks = "tasks";
    public const string Parameters = "parameters";
    public const string WebhookUrl = "webhook_url";
}
