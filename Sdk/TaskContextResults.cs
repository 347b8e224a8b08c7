using System.Reflection;
using System.Text.Json;

namespace Cucos.Sdk;

/// <summary>Which part of a result document a record describes.</summary>
public enum ResultPart
{
    Summary,
    Details,
}

/// <summary>
/// Marks a record as the summary or the details of one task's result, so that a consumer reads it with
/// <c>context.GetResultAsync&lt;T&gt;()</c> and the schema of <c>schemas/&lt;task&gt;.schema.json</c> is generated from it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TaskResultPartAttribute(string taskName, ResultPart part) : Attribute
{
    public string TaskName { get; } = taskName;
    public ResultPart Part { get; } = part;
}

/// <summary>Reading another task's result as its records instead of walking its JSON by hand.</summary>
public static class TaskContextResults
{
    /// <summary>
    /// The part of a task's stored result that <typeparamref name="T"/> describes (the task and part named by its
    /// <see cref="TaskResultPartAttribute"/>), or null when that task stored no successful result.
    /// </summary>
    public static Task<T?> GetResultAsync<T>(this TaskContext context, CancellationToken cancellationToken = default) where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        var part = PartOf(typeof(T));
        return context.GetResultAsync<T>(part.TaskName, part.Part, cancellationToken);
    }

    /// <summary>The summary or details of <paramref name="taskName"/>'s stored result as <typeparamref name="T"/>, or null.</summary>
    public static async Task<T?> GetResultAsync<T>(this TaskContext context, string taskName, ResultPart part, CancellationToken cancellationToken = default) where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        var document = await context.Results.GetAsync(taskName, cancellationToken).ConfigureAwait(false);
        return Read<T>(document, taskName, part);
    }

    /// <summary>
    /// The summary or details of a result document as <typeparamref name="T"/>; null for no document, a document
    /// whose status is not success, or one without that part. A part of another shape is a <see cref="FatalTaskException"/>
    /// naming the task: a retry would read the same document.
    /// </summary>
    public static T? Read<T>(JsonElement? document, string taskName, ResultPart part) where T : class
    {
        if (document is not { ValueKind: JsonValueKind.Object } root
            || !root.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String
            || status.GetString() != TaskResult.SuccessStatus
            || !root.TryGetProperty(part == ResultPart.Summary ? "summary" : "details", out var value)
            || value.ValueKind != JsonValueKind.Object)
            return null;
        try
        {
            return value.Deserialize<T>(TaskJson.Options);
        }
        catch (JsonException exception)
        {
            throw new FatalTaskException(
                $"the stored {taskName} result's {part.ToString().ToLowerInvariant()} does not have the shape of {typeof(T).Name} ({exception.Message}): "
                + $"it was written by another version of {taskName}; run {taskName} again.", exception);
        }
    }

    /// <summary>The task and part a result record belongs to.</summary>
    public static TaskResultPartAttribute PartOf(Type recordType)
    {
        ArgumentNullException.ThrowIfNull(recordType);
        return recordType.GetCustomAttribute<TaskResultPartAttribute>()
            ?? throw new ArgumentException(
                $"{recordType.Name} names no task: mark it [TaskResultPart(\"task\", ResultPart.Details)] or pass the task's name.", nameof(recordType));
    }
}
