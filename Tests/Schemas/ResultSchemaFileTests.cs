using Cucos.Sdk;
using Cucos.Workers;
using Cucos.Workers.Digests;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.Schemas;

/// <summary>
/// Every <c>schemas/&lt;task&gt;.schema.json</c> is the one generated from the task's records. After changing a record,
/// rewrite them with <c>CUCOS_UPDATE_SCHEMAS=1 dotnet test Tests --filter "FullyQualifiedName~ResultSchemaFileTests"</c>.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ResultSchemaFileTests
{
    private static readonly string SchemaFolder = Path.Combine(RepositoryRoot(), "schemas");

    public static TheoryData<string> BuiltInTaskNames()
    {
        var data = new TheoryData<string>();
        foreach (var task in Registry().All)
            data.Add(task.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(BuiltInTaskNames))]
    public void The_checked_in_schema_is_the_one_generated_from_the_records(string taskName)
    {
        var task = Registry().Get(taskName);
        var parts = ResultSchemaGenerator.ResultRecords(task.TaskType.Assembly).GetValueOrDefault(taskName);
        Assert.True(parts is { Summary: not null, Details: not null },
            $"task '{taskName}' has no summary or details record: mark them [TaskResultPart(\"{taskName}\", ResultPart.Summary/Details)].");

        var expected = ResultSchemaGenerator.ToFileText(
            ResultSchemaGenerator.Generate(taskName, task.Version, task.Description, parts.Summary!, parts.Details!));
        var path = Path.Combine(SchemaFolder, taskName + ".schema.json");
        if (Environment.GetEnvironmentVariable("CUCOS_UPDATE_SCHEMAS") == "1")
            File.WriteAllText(path, expected);

        Assert.True(File.Exists(path), $"schemas/{taskName}.schema.json is missing: run this test with CUCOS_UPDATE_SCHEMAS=1 to write it.");
        var actual = File.ReadAllText(path);
        Assert.True(actual == expected,
            $"schemas/{taskName}.schema.json differs from the schema generated from {parts.Summary!.Name} and {parts.Details!.Name}: "
            + "run this test with CUCOS_UPDATE_SCHEMAS=1 to rewrite it, and review the diff.");
    }

    [Fact]
    public void A_schema_follows_a_record_change()
    {
        // The generator reads the records, not a copy: a record of another shape gives another schema.
        var digests = ResultSchemaGenerator.Generate("digests", "1.1.0", "", typeof(DigestsSummary), typeof(DigestsDetails));
        var other = ResultSchemaGenerator.Generate("digests", "1.1.0", "", typeof(ChangedSummary), typeof(DigestsDetails));
        var summary = digests["properties"]!["summary"]!;
        Assert.Equal(["files", "bytes", "artifact_sha256", "errors"], summary["required"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("integer", (string?)summary["properties"]!["files"]!["type"]);
        Assert.Equal("Regular files in the package, read or not.", (string?)summary["properties"]!["files"]!["description"]);
        Assert.False(summary["additionalProperties"]!.GetValue<bool>());
        Assert.NotEqual(ResultSchemaGenerator.ToFileText(digests), ResultSchemaGenerator.ToFileText(other));
        Assert.Equal("string", (string?)other["properties"]!["summary"]!["properties"]!["files"]!["type"]);
    }

    private sealed record ChangedSummary(string Files);

    private static TaskRegistry Registry() =>
        new ServiceCollection().AddCucosBuiltInTasks().BuildServiceProvider().GetRequiredService<TaskRegistry>();

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Cucos.Orleans.sln")))
                return folder.FullName;
        throw new InvalidOperationException($"no Cucos.Orleans.sln above {AppContext.BaseDirectory}: run the tests from the repository.");
    }
}
