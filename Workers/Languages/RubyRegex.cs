using System.Text;
using System.Text.RegularExpressions;

namespace Cucos.Workers.Languages;

/// <summary>
/// Compiles the Ruby (Onigmo) regular expressions of Linguist's data files for .NET. The differences that the data
/// uses: in Ruby '^' and '$' always match at line breaks, the 'm' option means "dot matches newline" (.NET's 's'),
/// '\h' is a hex digit, '\R' any line break, and possessive quantifiers ('*+') exist; they are rewritten here.
/// </summary>
public static class RubyRegex
{
    /// <summary>Heuristics look at 50 KiB at most; a pattern that backtracks past this counts as not matching.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Interpreted: most patterns run on a few files only, where compiling them would cost more than it saves.</summary>
    public static Regex Compile(string rubyPattern) =>
        new(Translate(rubyPattern), RegexOptions.Multiline | RegexOptions.CultureInvariant, MatchTimeout);

    /// <summary>Whether the pattern matches; a pattern that times out does not.</summary>
    public static bool SafeIsMatch(this Regex regex, string input)
    {
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    public static string Translate(string pattern)
    {
        var output = new StringBuilder(pattern.Length + 16);
        var inClass = false;
        var afterQuantifier = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[++i];
                output.Append(next switch
                {
                    'h' => inClass ? "0-9a-fA-F" : "[0-9a-fA-F]",
                    'H' => "[^0-9a-fA-F]",
                    'R' when !inClass => @"(?:\r\n|[\n\v\f\r\u0085\u2028\u2029])",
                    _ => "\\" + next,
                });
                afterQuantifier = false;
                continue;
            }
            if (inClass)
            {
                if (c == ']')
                    inClass = false;
                output.Append(c);
                continue;
            }
            switch (c)
            {
                case '[':
                    inClass = true;
                    output.Append(c);
                    if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                        output.Append(pattern[++i]);
                    if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                        output.Append(pattern[++i]); // a leading ']' is a literal
                    afterQuantifier = false;
                    continue;
                case '+' when afterQuantifier:
                    // Possessive: .NET has none; matching without it differs only where backtracking would fail.
                    afterQuantifier = false;
                    continue;
                case '(' when i + 2 < pattern.Length && pattern[i + 1] == '?' && IsOptionGroup(pattern, i + 2, out var end):
                    output.Append("(?").Append(pattern[(i + 2)..end].Replace('m', 's'));
                    i = end - 1;
                    afterQuantifier = false;
                    continue;
            }
            output.Append(c);
            afterQuantifier = c is '*' or '+' or '?' or '}' && !(c == '?' && output.Length >= 2 && output[^2] == '(');
        }
        return output.ToString();
    }

    /// <summary>Whether pattern[start..] is an option list such as "mi-x" followed by ':' or ')'.</summary>
    private static bool IsOptionGroup(string pattern, int start, out int end)
    {
        end = start;
        while (end < pattern.Length && pattern[end] is 'i' or 'm' or 'x' or '-')
            end++;
        return end > start && end < pattern.Length && pattern[end] is ':' or ')';
    }
}
