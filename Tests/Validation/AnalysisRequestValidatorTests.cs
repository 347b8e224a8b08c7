using Cucos.Grains.Packages;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Tests.Validation;

/// <summary>The one validator of analysis requests: every check, its field and its one wording.</summary>
[Trait("Category", "Unit")]
public sealed class AnalysisRequestValidatorTests : IDisposable
{
    private readonly ServiceProvider services = new ServiceCollection().AddCucosBuiltInTasks().BuildServiceProvider();
    private readonly AnalysisRequestValidator validator;

    public AnalysisRequestValidatorTests() => validator = Validator(LocalPathPolicy.Anywhere);

    private AnalysisRequestValidator Validator(LocalPathPolicy? localPaths) =>
        new(services.GetRequiredService<TaskRegistry>(), services.GetRequiredService<EcosystemCatalog>(), localPaths);

    private static AnalysisRequest Package(string ecosystem = "npm", string name = "left-pad", string version = "1.0.0", string[]? tasks = null) =>
        AnalysisRequest.ForPackage(ecosystem, name, version, tasks: tasks);

    private (string Field, string Message)[] Problems(AnalysisRequest request) =>
        [.. validator.Validate(request).Select(p => (p.Field, p.Message))];

    [Fact]
    public void A_valid_registry_package_and_a_local_path_have_no_problems()
    {
        Assert.Empty(validator.Validate(Package(tasks: ["digests"])));
        Assert.Empty(validator.Validate(AnalysisRequest.ForLocalPath("/tmp/pkg")));
        // A source path brings its own files: its ecosystem is a label, as tests and benchmarks use it.
        Assert.Empty(validator.Validate(Package(ecosystem: "test") with { SourcePath = "/tmp/pkg" }));
    }

    [Theory]
    [InlineData("", "left-pad", "1.0.0", "ecosystem", "the field 'ecosystem' is missing: give one of crates, go, maven, npm, nuget, pypi, rubygems.")]
    [InlineData("cpan", "Moose", "2.0", "ecosystem", "ecosystem 'cpan' is not known to this cluster: give one of crates, go, maven, npm, nuget, pypi, rubygems.")]
    [InlineData("Not Valid", "x", "1", "ecosystem", "ecosystem 'Not Valid' is not valid: use lower-case letters, digits and '-'.")]
    [InlineData("npm", " ", "1.0.0", "name", "the field 'name' is empty: give the package name, such as 'serve-static', '@types/node' or 'org.example:library'.")]
    [InlineData("npm", "left-pad", "", "version", "the field 'version' is empty: give the package version, such as '1.7.1'.")]
    [InlineData("npm", "left-pad", "1.0 beta", "version",
        "version '1.0 beta' is malformed: a version has no spaces, slashes, colons or control characters and at most 256 characters (for example 1.7.1 or v1.2.3).")]
    [InlineData("npm", "left-pad", "../../1.0", "version", "version '../../1.0' is malformed")]
    [InlineData("local", "/etc", "local", "source_path", "a 'local' analysis needs a source path (a directory or an archive).")]
    public void Each_mistake_is_one_problem_of_its_field_in_one_wording(string ecosystem, string name, string version, string field, string message)
    {
        var problem = Assert.Single(Problems(Package(ecosystem, name, version)));
        Assert.Equal(field, problem.Field);
        Assert.StartsWith(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tasks_are_checked_against_the_registry()
    {
        var unknown = Assert.Single(Problems(Package(tasks: ["digests", "nope"])));
        Assert.Equal(RequestFields.Tasks, unknown.Field);
        Assert.StartsWith("unknown task(s): nope. The tasks of this cluster are: binary_data, crypto_algorithms, ", unknown.Message, StringComparison.Ordinal);

        var empty = Assert.Single(Problems(Package(tasks: [])));
        Assert.Equal((RequestFields.Tasks, "'tasks' is empty: leave it out to run the default flow, or name at least one task."), empty);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_and_the_exception_groups_them_by_field()
    {
        var request = Package(ecosystem: "cpan", name: "", version: "1 0", tasks: ["nope"]);
        var invalid = Assert.Throws<InvalidAnalysisRequestException>(() => validator.ThrowIfInvalid(request));
        Assert.Equal(["ecosystem", "name", "version", "tasks"], invalid.Problems.Select(p => p.Field));
        Assert.Equal(string.Join(" ", invalid.Problems.Select(p => p.Message)), invalid.Message);
        Assert.Equal(["ecosystem", "name", "tasks", "version"], invalid.ByField().Keys.Order(StringComparer.Ordinal));
        Assert.IsAssignableFrom<ArgumentException>(invalid); // what the client promised before there was one type
    }

    [Fact]
    public void An_alias_is_named_with_the_id_to_give()
    {
        var catalog = services.GetRequiredService<EcosystemCatalog>();
        var (alias, id) = catalog.All.SelectMany(e => e.Aliases.Select(a => (Alias: a, e.Id))).FirstOrDefault();
        Assert.NotNull(alias); // the built-in ecosystems have aliases (pip for pypi)
        var problem = Assert.Single(Problems(Package(ecosystem: alias)));
        Assert.Equal((RequestFields.Ecosystem, $"ecosystem '{alias}' is another name of '{id}': give '{id}'."), problem);
    }

    [Fact]
    public void A_list_query_is_checked_in_the_same_words_naming_query_parameters()
    {
        Assert.Empty(validator.PackageProblems("npm", "left-pad", "1.0.0", inQuery: true));
        Assert.Equal(
            ["the query parameter 'name' is empty: give the package name, such as 'serve-static', '@types/node' or 'org.example:library'.",
             "the query parameter 'version' is empty: give the package version, such as '1.7.1' (analyses are kept per package version)."],
            validator.PackageProblems("npm", null, " ", inQuery: true).Select(p => p.Message));
        Assert.Equal(Problems(Package(ecosystem: "cpan")).Single().Message, validator.PackageProblems("cpan", "x", "1").Single().Message);
    }

    [Fact]
    public void Local_paths_are_refused_unless_the_policy_allows_them()
    {
        foreach (var refusing in new[] { Validator(null), Validator(LocalPathPolicy.Refused) })
        {
            var problem = Assert.Single(refusing.Validate(AnalysisRequest.ForLocalPath("/tmp/pkg")));
            Assert.Equal(RequestFields.SourcePath, problem.Field);
            Assert.Contains("this cluster does not analyse local paths", problem.Message);
            Assert.Contains("Cucos:AllowLocalPaths=true", problem.Message);
            // Any ecosystem label: the path is what is refused, not the 'local' ecosystem.
            Assert.Single(refusing.Validate(Package(ecosystem: "test") with { SourcePath = "/tmp/pkg" }));
            Assert.Empty(refusing.Validate(Package()));
        }
    }

    [Fact]
    public void With_roots_only_paths_inside_them_are_analysed_and_links_are_followed_first()
    {
        using var allowed = new Support.TempDirectory("cucos-roots");
        using var outside = new Support.TempDirectory("cucos-outside");
        var inside = Directory.CreateDirectory(Path.Combine(allowed.Path, "pkg")).FullName;
        var escape = Path.Combine(allowed.Path, "escape");
        Directory.CreateSymbolicLink(escape, outside.Path);
        var rooted = Validator(LocalPathPolicy.From(new Grains.Hosting.CucosSiloOptions { AllowLocalPaths = true, LocalPathRoots = [allowed.Path] }));

        Assert.Empty(rooted.Validate(AnalysisRequest.ForLocalPath(inside)));
        Assert.Empty(rooted.Validate(AnalysisRequest.ForLocalPath(Path.Combine(allowed.Path, "pkg", "not-yet-there.tgz"))));
        foreach (var path in new[] { outside.Path, Path.Combine(escape, "anything"), Path.Combine(inside, "..", "..", Path.GetFileName(outside.Path)) })
        {
            var problem = Assert.Single(rooted.Validate(AnalysisRequest.ForLocalPath(path)));
            Assert.Equal(RequestFields.SourcePath, problem.Field);
            Assert.Contains("is outside the folders this cluster analyses local paths in", problem.Message);
        }
    }

    [Fact]
    public void Without_an_init_task_no_request_can_start()
    {
        using var empty = new ServiceCollection().AddSingleton<TaskRegistry>().BuildServiceProvider();
        var problem = Assert.Single(new AnalysisRequestValidator(empty.GetRequiredService<TaskRegistry>()).Validate(Package()));
        Assert.Equal((RequestFields.Tasks, "no 'init' task is registered in this cluster, so no analysis can start."), (problem.Field, problem.Message));
    }

    public void Dispose() => services.Dispose();
}
