namespace Cucos.Messages;

/// <summary>
/// The one error for a request that is not valid, whichever door it came through: the in-process client, the gateway
/// client, the HTTP client or the API. It crosses Orleans with its problems, so a caller can show them per field.
/// It is an <see cref="ArgumentException"/>, as the client promised before there was one type.
/// </summary>
[GenerateSerializer, Alias("cucos.InvalidAnalysisRequestException")]
public sealed class InvalidAnalysisRequestException : ArgumentException
{
    public InvalidAnalysisRequestException(IReadOnlyList<RequestProblem> problems)
        : base(Sentence(problems)) => Problems = [.. problems];

    public InvalidAnalysisRequestException(string field, string message) : this([new RequestProblem(field, message)])
    {
    }

    /// <summary>For the serializer, which sets the message and the problems itself.</summary>
    private InvalidAnalysisRequestException()
    {
    }

    /// <summary>Every problem, in the order the checks found them; never empty.</summary>
    [Id(0)] public RequestProblem[] Problems { get; private set; } = [];

    /// <summary>The problems grouped by field, the <c>errors</c> member of the API's 400 answer.</summary>
    public IDictionary<string, string[]> ByField() => Problems
        .GroupBy(p => p.Field, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray(), StringComparer.Ordinal);

    /// <summary>The one sentence the CLI prints and the API sends as <c>detail</c>: every problem's message in turn.</summary>
    public static string Sentence(IEnumerable<RequestProblem> problems) => string.Join(" ", problems.Select(p => p.Message));
}
