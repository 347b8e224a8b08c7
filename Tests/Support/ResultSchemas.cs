using System.Collections.Concurrent;
using System.Text.Json;
using Json.Schema;

namespace Cucos.Tests.Support;

/// <summary>The published result schemas under <c>schemas/</c>, used to check real result documents.</summary>
public static class ResultSchemas
{
    // Lazy: JsonSchema.Net's global registry refuses a second registration of the same $id, which parallel test classes would race to.
    private static readonly ConcurrentDictionary<string, Lazy<JsonSchema>> Loaded = new(StringComparer.Ordinal);

    /// <summary>Fails the test with every violation when <paramref name="document"/> does not match the task's schema (or "diff": the diff document's).</summary>
    public static void AssertValid(string taskName, JsonElement document)
    {
        var problems = Problems(taskName, document);
        if (problems.Count > 0)
            Assert.Fail($"the {taskName} document does not match schemas/{taskName}.schema.json:\n  " + string.Join("\n  ", problems));
    }

    /// <summary>Every violation of the schema under <c>schemas/</c> by <paramref name="document"/>; none when it matches.</summary>
    public static IReadOnlyList<string> Problems(string schemaName, JsonElement document)
    {
        var schema = Loaded.GetOrAdd(schemaName, name => new Lazy<JsonSchema>(() => Load(name))).Value;
        var result = schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
            return [];
        return [.. (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))];
    }

    private static JsonSchema Load(string taskName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "schemas", taskName + ".schema.json");
        Assert.True(File.Exists(path), $"no schema file for task '{taskName}': add schemas/{taskName}.schema.json");
        return JsonSchema.FromText(File.ReadAllText(path));
    }
}
