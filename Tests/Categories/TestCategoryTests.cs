using System.Reflection;

namespace Cucos.Tests.Categories;

/// <summary>
/// Every test class says what it needs, so <c>dotnet test --filter Category=Unit</c> runs in seconds on a machine with
/// nothing but the SDK, and ./test.sh knows that such a run installs nothing.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TestCategoryTests
{
    /// <summary>The categories the README's table explains; a test class carries one, or several if it truly needs each.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "Unit",          // pure, in-process, no cluster, nothing installed, milliseconds
        "Cluster",       // an in-process Orleans cluster (TestingHost, or the CLI's embedded one)
        "Postgres",      // the tests' own PostgreSQL server
        "Processes",     // starts silo or CLI processes or other programs (bzip2, xz, ...)
        "Browser",       // drives Debian's chromium through chromedriver (the web UI, Tests/Ui)
        "ReferenceTool", // compares with a reference program (ssdeep, github-linguist, kubectl) or a live registry
    };

    [Fact]
    public void Every_test_class_has_a_known_category()
    {
        var problems = Problems(typeof(TestCategoryTests).Assembly);

        Assert.True(problems.Count == 0,
            $"every test class needs [Trait(\"Category\", X)] with X one of {string.Join(", ", Known)}:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_unit_category_has_tests_and_is_not_everything()
    {
        var categories = TestClasses(typeof(TestCategoryTests).Assembly).SelectMany(Categories).ToList();

        Assert.Contains("Unit", categories);
        Assert.Contains("Cluster", categories);
        Assert.Contains("Postgres", categories);
    }

    /// <summary>One line per test class of <paramref name="assembly"/> that has no category or an unknown one.</summary>
    public static List<string> Problems(Assembly assembly)
    {
        var problems = new List<string>();
        foreach (var type in TestClasses(assembly))
        {
            var categories = Categories(type).ToList();
            if (categories.Count == 0)
                problems.Add($"{type.FullName}: no Category trait");
            foreach (var unknown in categories.Where(c => !Known.Contains(c)))
                problems.Add($"{type.FullName}: unknown category '{unknown}'");
        }
        return problems;
    }

    /// <summary>Classes xunit runs tests of: those with a [Fact] or [Theory] method (its own or inherited).</summary>
    public static IEnumerable<Type> TestClasses(Assembly assembly) =>
        assembly.GetTypes().Where(type => type.IsClass && !type.IsAbstract && type
            .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)
            .Any(method => method.IsDefined(typeof(FactAttribute), inherit: true)));

    // xunit's TraitAttribute keeps its name and value only as constructor arguments.
    private static IEnumerable<string> Categories(Type type) =>
        type.GetCustomAttributesData()
            .Where(data => data.AttributeType == typeof(TraitAttribute) && (string?)data.ConstructorArguments[0].Value == "Category")
            .Select(data => (string?)data.ConstructorArguments[1].Value ?? "");
}
