using System.Text.Json;
using System.Text.Json.Nodes;
using Cucos.Reports.Diff;
using Cucos.Sdk;
using Cucos.Tests.Support;

namespace Cucos.Tests.Schemas;

/// <summary>
/// <c>schemas/diff.schema.json</c> is the one generated from <see cref="VersionDiff"/> with DiffWriter's options. After
/// changing a diff record, rewrite it with <c>CUCOS_UPDATE_SCHEMAS=1 dotnet test Tests --filter "FullyQualifiedName~DiffSchemaFileTests"</c>.
/// Real diff documents are checked against it in Tests/Diff.
/// </summary>
[Trait("Category", "Unit")]
public sealed class DiffSchemaFileTests
{
    [Fact]
    public void The_checked_in_diff_schema_is_the_one_generated_from_VersionDiff()
    {
        var expected = ResultSchemaGenerator.ToFileText(DiffSchema.Generate());
        var path = Path.Combine(SiloProcess.RepositoryRoot(), "schemas", DiffSchema.FileName);
        if (Environment.GetEnvironmentVariable("CUCOS_UPDATE_SCHEMAS") == "1")
            File.WriteAllText(path, expected);

        Assert.True(File.Exists(path), $"schemas/{DiffSchema.FileName} is missing: run this test with CUCOS_UPDATE_SCHEMAS=1 to write it.");
        Assert.True(File.ReadAllText(path) == expected,
            $"schemas/{DiffSchema.FileName} differs from the schema generated from VersionDiff: run this test with CUCOS_UPDATE_SCHEMAS=1 to rewrite it, and review the diff.");
    }

    [Fact]
    public void The_schema_names_members_as_the_writer_does_and_says_what_may_be_null()
    {
        var schema = DiffSchema.Generate();
        Assert.Equal("cucos:diff:" + DiffSchema.Version, (string?)schema["$id"]);
        Assert.Equal(["ecosystem", "name", "from", "to", "files", "licences", "dependencies", "supply_chain", "advisories", "size", "missing_results"],
            schema["required"]!.AsArray().Select(n => (string)n!));
        Assert.False(schema["additionalProperties"]!.GetValue<bool>());
        var changed = schema["properties"]!["files"]!["properties"]!["changed"]!["items"]!;
        Assert.Equal(["integer", "null"], changed["properties"]!["ssdeep_similarity"]!["type"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("string", (string?)changed["properties"]!["path"]!["type"]);
        Assert.Contains("bytes_change", schema["properties"]!["size"]!["required"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public void A_document_with_a_member_named_otherwise_or_of_another_type_does_not_match()
    {
        var valid = JsonNode.Parse(DiffWriter.Json(Sample()))!;
        Assert.Empty(ResultSchemas.Problems("diff", Element(valid)));

        var renamed = valid.DeepClone().AsObject();
        renamed["MissingResults"] = renamed["missing_results"]!.DeepClone();
        renamed.Remove("missing_results");
        Assert.NotEmpty(ResultSchemas.Problems("diff", Element(renamed)));

        var retyped = valid.DeepClone();
        retyped["size"]!["from_bytes"] = "100";
        Assert.NotEmpty(ResultSchemas.Problems("diff", Element(retyped)));
    }

    private static JsonElement Element(JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement;

    private static VersionDiff Sample() => new()
    {
        Ecosystem = "npm",
        Name = "left-pad",
        From = new DiffSide("a1", "1.0.0", "succeeded"),
        To = new DiffSide("b2", "1.1.0", "completed_with_failures"),
        Files = new FileChanges([new DiffFile("package/new.js", 10, null)], [], [new ChangedFile("package/index.js", 100, 120, "aa", "bb", 88)], 3),
        Licences = new LicenceChanges(new ValueChange("MIT", null), null),
        Dependencies = new DependencyChanges([], [], [new ChangedDependency("chalk", new ValueChange("^4.0.0", "^5.0.0"), null)]),
        SupplyChain = new SupplyChainChanges([new InstallScript("postinstall", "node x.js")], [], [], [new Capability("network", "http-client")], null),
        Advisories = new AdvisoryChanges([], [new Advisory("GHSA-1", "chalk", "5.0.0", true, null, "bad")], []),
        Size = new SizeChange(100, null, 4, 5),
        MissingResults = ["security_issues"],
    };
}
