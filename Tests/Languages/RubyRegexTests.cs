using Cucos.Workers.Languages;

namespace Cucos.Tests.Languages;

/// <summary>Ruby's regular expression dialect, as Linguist's data uses it, on .NET.</summary>
[Trait("Category", "Unit")]
public sealed class RubyRegexTests
{
    [Theory]
    [InlineData(@"(?m:a.b)", "a\nb", true)]            // Ruby's 'm' lets '.' match a line break
    [InlineData(@"a.b", "a\nb", false)]
    [InlineData(@"^end$", "begin\nend\nmore", true)]     // '^' and '$' match at every line
    [InlineData(@"\Aend", "begin\nend", false)]
    [InlineData(@"(?:ab)*+c", "ababc", true)]          // possessive quantifiers
    [InlineData(@"x++y", "xxy", true)]
    [InlineData(@"\h{4}", "beef", true)]                // hex digit
    [InlineData(@"[\h]+z", "00fz", true)]
    [InlineData(@"\h", "g", false)]
    [InlineData(@"a\Rb", "a\r\nb", true)]               // any line break
    [InlineData(@"[+*]+", "+*", true)]                  // '+' in a class is no quantifier
    [InlineData(@"\+\+", "++", true)]
    public void Ruby_patterns_keep_their_meaning(string pattern, string input, bool matches) =>
        Assert.Equal(matches, RubyRegex.Compile(pattern).SafeIsMatch(input));
}
