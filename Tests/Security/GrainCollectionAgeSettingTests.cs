using Cucos.Silo;
using Microsoft.Extensions.Configuration;

namespace Cucos.Tests.Security;

/// <summary>
/// <c>Cucos:GrainCollectionAge</c>: how long an idle analysis, package or result activation stays in a silo's memory
/// (the soak's memory plateau, docs/benchmarks.md). Unset keeps Orleans' default; too short is refused with the bound.
/// </summary>
[Trait("Category", "Unit")]
public sealed class GrainCollectionAgeSettingTests
{
    private static SiloSettings Settings(string? age) =>
        SiloSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Cucos:GrainCollectionAge"] = age }).Build());

    [Fact]
    public void Unset_leaves_orleans_default_and_a_duration_is_taken_as_given()
    {
        Assert.Null(Settings(null).GrainCollectionAge);
        Assert.Equal(TimeSpan.FromMinutes(5), Settings("00:05:00").GrainCollectionAge);
        Assert.Equal(TimeSpan.FromMinutes(2), Settings("00:02:00").GrainCollectionAge);
    }

    [Theory]
    [InlineData("00:01:59")]
    [InlineData("00:00:10")]
    public void An_age_below_two_collection_quanta_is_refused_naming_the_bound(string age)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Settings(age));

        Assert.Equal($"Cucos:GrainCollectionAge is '{age}': give at least 00:02:00 (Orleans collects idle activations once a minute), " +
                     "or leave it unset for Orleans' 15 minutes.", error.Message);
    }

    [Fact]
    public void Something_that_is_not_a_duration_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Settings("fifteen minutes"));

        Assert.Equal("Cucos:GrainCollectionAge is 'fifteen minutes': give a positive duration such as 00:01:00.", error.Message);
    }
}
