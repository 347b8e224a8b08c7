using System.Text.Json;
using Json.Schema;

namespace Cucos.Tests.Sbom;

/// <summary>
/// The official schemas the SBOMs are checked against (Tests/Sbom/Schemas, origin in ORIGIN.md there, refreshed by
/// scripts/vendor-cyclonedx-schemas.sh), and the checks that every reference in a document names something it declares.
/// </summary>
public static class SbomSchemas
{
    private static readonly Lazy<JsonSchema> CycloneDx = new(() =>
    {
        // A registry of its own: the global one refuses a second registration of the same $id.
        var registry = new SchemaRegistry();
        var options = new BuildOptions { SchemaRegistry = registry };
        // bom-1.6 refers to its neighbours by their upstream file names, relative to its $id.
        foreach (var (file, upstream) in new[] { ("spdx.schema.json", "spdx.SNAPSHOT.schema.json"), ("jsf-0.82.schema.json", "jsf-0.82.SNAPSHOT.schema.json") })
        {
            var schema = JsonSchema.FromText(Read(file), options);
            registry.Register(new Uri("http://cyclonedx.org/schema/" + upstream), schema);
        }
        return JsonSchema.FromText(Read("bom-1.6.schema.json"), options);
    });

    private static readonly Lazy<JsonSchema> Spdx = new(() =>
        JsonSchema.FromText(Read("spdx-2.3.schema.json"), new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    /// <summary>Fails with every violation when the document is not a valid CycloneDX 1.6 BOM or refers to an undeclared bom-ref.</summary>
    public static void AssertValidCycloneDx(JsonElement bom)
    {
        AssertValid(CycloneDx.Value, bom, "CycloneDX 1.6");
        var declared = new List<string>();
        void Collect(JsonElement component)
        {
            if (component.TryGetProperty("bom-ref", out var reference))
                declared.Add(reference.GetString()!);
            if (component.TryGetProperty("components", out var nested))
                foreach (var child in nested.EnumerateArray())
                    Collect(child);
        }
        Collect(bom.GetProperty("metadata").GetProperty("component"));
        foreach (var component in Items(bom, "components"))
            Collect(component);
        Assert.True(declared.Count == declared.Distinct(StringComparer.Ordinal).Count(), "two components share a bom-ref: " +
            string.Join(", ", declared.GroupBy(d => d, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key)));
        var known = declared.ToHashSet(StringComparer.Ordinal);
        foreach (var dependency in Items(bom, "dependencies"))
        {
            AssertDeclared(known, dependency.GetProperty("ref").GetString()!, "dependencies[].ref");
            foreach (var name in new[] { "dependsOn", "provides" })
                foreach (var target in Items(dependency, name))
                    AssertDeclared(known, target.GetString()!, $"dependencies[].{name}");
        }
        foreach (var vulnerability in Items(bom, "vulnerabilities"))
            foreach (var affected in Items(vulnerability, "affects"))
                AssertDeclared(known, affected.GetProperty("ref").GetString()!, "vulnerabilities[].affects[].ref");
    }

    /// <summary>Fails with every violation when the document is not a valid SPDX 2.3 document or a relationship names an undeclared element.</summary>
    public static void AssertValidSpdx(JsonElement document)
    {
        AssertValid(Spdx.Value, document, "SPDX 2.3");
        var ids = new List<string> { document.GetProperty("SPDXID").GetString()! };
        ids.AddRange(Items(document, "packages").Concat(Items(document, "files")).Select(e => e.GetProperty("SPDXID").GetString()!));
        Assert.True(ids.Count == ids.Distinct(StringComparer.Ordinal).Count(), "two SPDX elements share an SPDXID");
        Assert.All(ids, id => Assert.Matches("^SPDXRef-[A-Za-z0-9.-]+$", id));
        var known = ids.ToHashSet(StringComparer.Ordinal);
        foreach (var relationship in Items(document, "relationships"))
        {
            AssertDeclared(known, relationship.GetProperty("spdxElementId").GetString()!, "relationships[].spdxElementId");
            AssertDeclared(known, relationship.GetProperty("relatedSpdxElement").GetString()!, "relationships[].relatedSpdxElement");
        }
    }

    public static IEnumerable<JsonElement> Items(JsonElement element, string property) =>
        element.TryGetProperty(property, out var array) ? array.EnumerateArray() : [];

    private static void AssertDeclared(HashSet<string> known, string reference, string where) =>
        Assert.True(known.Contains(reference), $"{where} '{reference}' names nothing the document declares");

    private static void AssertValid(JsonSchema schema, JsonElement document, string what)
    {
        var result = schema.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
            return;
        var problems = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))
            .Take(40);
        Assert.Fail($"the document does not match the {what} schema:\n  " + string.Join("\n  ", problems));
    }

    private static string Read(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sbom", "Schemas", file));
}
