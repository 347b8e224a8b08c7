using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Cucos.Tests.StaticAnalysis;

/// <summary>
/// The official SARIF 2.1.0 JSON schema (OASIS, errata01), copied unchanged from the repository oasis-tcs/sarif-spec
/// (commit e058381), <c>sarif-2.1/schema/sarif-schema-2.1.0.json</c>, as <c>sarif-2.1.0.schema.json</c> beside this file.
/// </summary>
public static class SarifSchema
{
    // The schema is draft-04, which JsonSchema.Net does not evaluate. It uses no keyword whose meaning changed
    // after draft-04 (no boolean exclusiveMinimum/Maximum) except its top-level "id", so it is read as draft-07
    // without that "id" (its references are all local, "#/definitions/..."); the constraints are untouched.
    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "StaticAnalysis", "sarif-2.1.0.schema.json"));
        var node = JsonNode.Parse(text)!.AsObject();
        node["$schema"] = "http://json-schema.org/draft-07/schema#";
        node.Remove("id");
        // A registry of its own: the global one refuses a second registration of the same $id.
        return JsonSchema.FromText(node.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    });

    /// <summary>Fails the test with every violation when <paramref name="log"/> is not a valid SARIF 2.1.0 log.</summary>
    public static void AssertValid(JsonNode log)
    {
        using var document = JsonDocument.Parse(log.ToJsonString());
        var result = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
            return;
        var problems = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
        Assert.Fail("the SARIF log does not match the SARIF 2.1.0 schema:\n  " + string.Join("\n  ", problems));
    }
}
