namespace Cucos.Messages;

/// <summary>Why a task attempt failed: the exception's type, message and full stack.</summary>
[GenerateSerializer, Alias("cucos.TaskError")]
public sealed record TaskError
{
    [Id(0)] public required string Type { get; init; }
    [Id(1)] public required string Message { get; init; }
    [Id(2)] public string? StackTrace { get; init; }
    /// <summary>True when the error can never be cured by a retry.</summary>
    [Id(3)] public bool Fatal { get; init; }
    [Id(4)] public int Attempt { get; init; }
    [Id(5)] public DateTimeOffset At { get; init; }

    public static TaskError From(Exception exception, bool fatal, int attempt, DateTimeOffset at) => new()
    {
        Type = exception.GetType().FullName ?? exception.GetType().Name,
        Message = exception.Message,
        StackTrace = exception.ToString(),
        Fatal = fatal,
        Attempt = attempt,
        At = at,
    };
}
