namespace Cucos.Workers.Languages;

/// <summary>
/// Splits source text into the kind of tokens Linguist's classifier counts: words (with a leading '.', '@', '#'
/// or '$' kept, at most 16 characters), operators, a "SHEBANG#!name" token for the interpreter line, and a
/// "COMMENT..." token per comment (named by its opening delimiter) instead of its text; string literals and
/// numbers are dropped. Our own lexer, written to produce the tokens Linguist's published token counts hold; where
/// it differs from Linguist's, the classifier's choice may differ (docs/accuracy.md).
/// </summary>
public static class Tokenizer
{
    private const int MaxTokenLength = 16;

    /// <summary>Multi-character operators, longest first.</summary>
    private static readonly string[] Operators =
    [
        "<=>", "===", "!==", "...", "<<=", ">>=",
        "->", "=>", "<=", ">=", "==", "!=", "&&", "||", "::", "..", "**", "++", "--", "<<", ">>", "|=", "&=", "^=",
        "*=", "/=", "%=", "+=", "-=", "??", ".*", "${", "$(", "$$", "@@", "%%", "##", "<?", "?>", "<%", "%>", "</",
        "/>", "><", "<!", "()", "[]", "{}", ";;", ":=", "<-", ":-", "=~", "~=", "//",
    ];

    /// <summary>Comments that may start anywhere, with what ends them.</summary>
    private static readonly (string Open, string Close)[] BlockComments =
        [("/**", "*/"), ("/*!", "*/"), ("/*", "*/"), ("<!--", "-->"), ("{-", "-}"), ("(*", "*)"), ("\"\"\"", "\"\"\""), ("'''", "'''")];

    /// <summary>Comments that run to the end of the line, recognised at the start of a line only.</summary>
    private static readonly string[] LineComments = ["//", "--", "#", "%", ";"];

    public static IEnumerable<string> Tokenize(string text)
    {
        var i = 0;
        if (text.StartsWith("#!", StringComparison.Ordinal))
        {
            if (Shebang.Interpreter(text) is { } interpreter)
                yield return "SHEBANG#!" + interpreter;
            i = LineEnd(text, 0);
        }
        var lineStart = true;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                lineStart = true;
                i++;
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            var atLineStart = lineStart;
            lineStart = false;

            if (Find(BlockComments, text, i) is { Open: not null } block)
            {
                yield return "COMMENT" + block.Open;
                var close = text.IndexOf(block.Close, i + block.Open.Length, StringComparison.Ordinal);
                i = close < 0 ? text.Length : close + block.Close.Length;
                continue;
            }
            if (atLineStart && LineComment(text, i) is { } line)
            {
                yield return "COMMENT" + line;
                i = LineEnd(text, i);
                continue;
            }
            if (c is '"' or '\'')
            {
                i = StringEnd(text, i);
                continue;
            }
            if (char.IsAsciiDigit(c))
            {
                var start = i;
                i = NumberEnd(text, i);
                if (i < text.Length && IsWordCharacter(text[i]) && text[i - 1] != '.' && !text.AsSpan(start, i - start).Contains('.'))
                    yield return Word(text, start, ref i); // "3e4", "2DA": a word that starts with digits
                continue;
            }
            if (IsWordStart(c) || (c is '@' or '#' or '$' && i + 1 < text.Length && IsWordStart(text[i + 1]))
                || (c == '.' && i + 1 < text.Length && IsWordCharacter(text[i + 1])))
            {
                var start = i++;
                yield return Word(text, start, ref i);
                continue;
            }
            var op = Operators.FirstOrDefault(o => string.CompareOrdinal(text, i, o, 0, o.Length) == 0);
            if (op is not null)
            {
                yield return op;
                i += op.Length;
                continue;
            }
            var run = i;
            while (run < text.Length && text[run] == c && run - i < MaxTokenLength)
                run++;
            yield return text[i..run];
            i = run;
        }
    }

    private static bool IsWordStart(char c) => char.IsAsciiLetter(c) || c == '_';
    private static bool IsWordCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static string Word(string text, int start, ref int i)
    {
        while (i < text.Length && IsWordCharacter(text[i]))
            i++;
        return text[start..Math.Min(i, start + MaxTokenLength)];
    }

    /// <summary>The end of a number: "0x1F", "12", "1.2.3"; an exponent is left to be read as a word, as Linguist does.</summary>
    private static int NumberEnd(string text, int i)
    {
        if (text[i] == '0' && i + 1 < text.Length && text[i + 1] is 'x' or 'X')
        {
            i += 2;
            while (i < text.Length && char.IsAsciiHexDigit(text[i]))
                i++;
            return i;
        }
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || (text[i] == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))))
            i++;
        return i;
    }

    private static (string Open, string Close) Find((string Open, string Close)[] comments, string text, int i)
    {
        foreach (var comment in comments)
        {
            if (string.CompareOrdinal(text, i, comment.Open, 0, comment.Open.Length) == 0)
                return comment;
        }
        return default;
    }

    /// <summary>The delimiter of a line comment at <paramref name="i"/>; "#" followed by a word is a directive, not a comment.</summary>
    private static string? LineComment(string text, int i)
    {
        var delimiter = LineComments.FirstOrDefault(d => string.CompareOrdinal(text, i, d, 0, d.Length) == 0);
        if (delimiter == "#" && i + 1 < text.Length && IsWordStart(text[i + 1]))
            return null;
        return delimiter;
    }

    private static int StringEnd(string text, int start)
    {
        var quote = text[start];
        for (var i = start + 1; i < text.Length; i++)
        {
            if (text[i] == '\\')
                i++;
            else if (text[i] == quote)
                return i + 1;
            else if (text[i] == '\n')
                return i; // an unterminated string ends with its line
        }
        return text.Length;
    }

    private static int LineEnd(string text, int start)
    {
        var end = text.IndexOf('\n', start);
        return end < 0 ? text.Length : end;
    }
}
