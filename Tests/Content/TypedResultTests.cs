using System.Text.Json;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.Grains.Execution;
using Cucos.Workers.Metadata;

namespace Cucos.Tests.Content;

/// <summary>Reading another task's result as its records: <c>context.GetResultAsync&lt;MetadataDetails&gt;()</c>.</summary>
[Trait("Category", "Unit")]
public sealed class TypedResultTests
{
    private static async Task<TaskContext> ContextWith(string? metadataDocument)
    {
        var store = new InMemoryTaskResultStore();
        if (metadataDocument is not null)
            await store.SaveAsync("metadata", 1, JsonDocument.Parse(metadataDocument).RootElement.Clone(), CancellationToken.None);
        return new TaskContext
        {
            AnalysisId = "typed",
            TaskName = "source_licenses",
            Request = AnalysisRequest.ForLocalPath("/nowhere").ToRequestView(),
            CachePath = "/nowhere",
            Results = store,
        };
    }

    [Fact]
    public async Task The_record_names_its_task_and_part()
    {
        var context = await ContextWith("""
            {"status":"success","summary":{"ecosystem":"npm","name":"a","version":"1.0.0","declared_license":"MIT","dependencies":1,"errors":0},
             "details":{"ecosystem":"npm","name":"a","declared_license":{"raw":"mit","expression":"MIT"},"dependencies":[{"name":"b","spec":"^2"}]}}
            """);

        var details = await context.GetResultAsync<MetadataDetails>();
        var summary = await context.GetResultAsync<MetadataSummary>();

        Assert.NotNull(details);
        Assert.Equal("npm", details.Ecosystem);
        Assert.Equal(new DeclaredLicense("mit", "MIT"), details.DeclaredLicense);
        Assert.Equal(new Dependency("b", "^2"), Assert.Single(details.Dependencies));
        Assert.Equal(1, summary!.Dependencies);
        Assert.Equal("MIT", Cucos.Workers.Licenses.DeclaredLicense.From(details, Cucos.Workers.Licenses.LicenseCatalog.Instance)!.Value.Expression!.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("""{"status":"error","summary":{"error":"not found"},"details":null}""")]
    public async Task No_successful_result_reads_as_null(string? document)
    {
        var context = await ContextWith(document);
        Assert.Null(await context.GetResultAsync<MetadataDetails>());
    }

    [Fact]
    public async Task A_result_of_another_shape_is_a_fatal_error_naming_the_task()
    {
        var context = await ContextWith("""{"status":"success","summary":{},"details":{"dependencies":"b@2"}}""");
        var error = await Assert.ThrowsAsync<FatalTaskException>(() => context.GetResultAsync<MetadataDetails>());
        Assert.Contains("the stored metadata result's details does not have the shape of MetadataDetails", error.Message, StringComparison.Ordinal);
    }
}
