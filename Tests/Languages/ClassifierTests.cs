using System.Text.Json;
using Cucos.Workers.Languages;

namespace Cucos.Tests.Languages;

/// <summary>The naive Bayes classifier on a token table small enough to work out by hand.</summary>
[Trait("Category", "Unit")]
public sealed class ClassifierTests
{
    // Two languages, one sample each: A uses "alpha" 3 times and "beta" once, B "beta" 3 times and "alpha" once.
    private static readonly Classifier Small = new(JsonDocument.Parse("""
        {
          "tokens_total": 8, "languages_total": 2,
          "languages": { "A": 1, "B": 1 },
          "language_tokens": { "A": 4, "B": 4 },
          "tokens": { "A": { "alpha": 3, "beta": 1 }, "B": { "alpha": 1, "beta": 3 } }
        }
        """).RootElement);

    private static LanguageInfo Language(string name) => new(name, "programming", null, [name.ToLowerInvariant()], [], [], []);

    [Theory]
    [InlineData("alpha alpha beta", "A")]   // A: 2 ln(3/4) + ln(1/4) > B: 2 ln(1/4) + ln(3/4)
    [InlineData("beta beta alpha", "B")]
    [InlineData("beta /* alpha alpha alpha */", "B")] // comments count as one COMMENT token, not their words
    public void The_most_probable_candidate_comes_first(string content, string expected)
    {
        var ranked = Small.Rank(content, [Language("A"), Language("B")]);
        Assert.Equal(expected, ranked![0].Name);
    }

    [Fact]
    public void Candidates_without_samples_follow_those_with_them_and_alone_give_no_ranking()
    {
        var ranked = Small.Rank("gamma", [Language("Unsampled"), Language("B")]);
        Assert.Equal(["B", "Unsampled"], ranked!.Select(l => l.Name));
        Assert.Null(Small.Rank("gamma", [Language("Unsampled"), Language("Other")]));
    }
}
