namespace Cucos.Orleans.Workers.Languages;

/// <summary>
/// Splits source text into the kind of tokens Linguist's classifier counts: words (with a leading '.', '@', '#',
/// '$' or '%' kept, at most 16 characters), operators, a "SHEBANG#!name" token for the interpreter line, and a
/// "COMMENT..." token per comment (named by its opening delimiter) instead of its text. String literals and
/// numbers are dropped. Our own approximation of Linguist's lexer, written from the tokens its data holds.
/// </summary>
public static class Tokenizer
{
    private const int MaxTokenLength = 16;

    private static readonly string[] Operators =
    [
        "<!--", "-->", "!==", "===", "...", ">>>", "<=>", "</", "/>", "<?", "?>", "<%", "%>", "<!", "><", "->", "=>",
        "<-", "::", "==", "!=", "<=", ">=", "&&", "||", ":=", "+=", "-=", "*=", "/=", "|=", "%=", "**", "<<", ">>",
        "..", "=~", "~=", ":-", "$(", "${", "()", "[]", "{}", "++", "--", "//", "##", "@@", "$$", ";;",
    ];

    private static readonly (string Open, string Close)[] BlockComments =
        [("/*", "*/"), ("<!--", "-->"), ("{-", "-}"), ("(*", "*)"), ("\"\"\"", "\"\"\""), ("'''", "'''")];

    public static IEnumerable<string> Tokenize(string text)
    {
        var i = 0;
        if (text.StartsWith("#!", StringComparison.Ordinal))
        {
            var end = LineEnd(text, 0);
            if (Shebang.Interpreter(text) is { } interpreter)
                yield return "SHEBANG#!" + interpreter;
            i = end;
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

            if (BlockComment(text, i) is { } block)
            {
                yield return "COMMENT" + block.Open;
                var close = text.IndexOf(block.Close, i + block.Open.Length, StringComparison.Ordinal);
                i = close < 0 ? text.Length : close + block.Close.Length;
                continue;
            }
            if (LineComment(text, i, atLineStart) is { } line)
            {
                yield return "COMMENT" + line;
                i = LineEnd(text, i);
                continue;
            }
            if (c is '"' or '\'' or '`')
            {
                i = StringEnd(text, i);
                continue;
            }
            if (char.IsAsciiDigit(c))
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or '_'))
                    i++;
                continue;
            }
            if (IsWordStart(c) || (c is '.' or '@' or '#' or '$' or '%' && i + 1 < text.Length && IsWordStart(text[i + 1])))
            {
                var start = i++;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                    i++;
                yield return text[start..Math.Min(i, start + MaxTokenLength)];
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

    private static (string Open, string Close)? BlockComment(string text, int i)
    {
        foreach (var comment in BlockComments)
        {
            if (string.CompareOrdinal(text, i, comment.Open, 0, comment.Open.Length) == 0)
                return comment;
        }
        return null;
    }

    /// <summary>The delimiter of a line comment starting at <paramref name="i"/>, or null.</summary>
    private static string? LineComment(string text, int i, bool atLineStart)
    {
        char Next(int offset) => i + offset < text.Length ? text[i + offset] : '\n';
        return text[i] switch
        {
            '/' when Next(1) == '/' => "//",
            '#' when !IsWordStart(Next(1)) && Next(1) is not '!' and not '[' and not '{' => "#",
            '-' when Next(1) == '-' && Next(2) is ' ' or '\t' => "--",
            '%' when atLineStart && !IsWordStart(Next(1)) => "%",
            ';' when atLineStart => ";",
            _ => null,
        };
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
            else if (text[i] == '\n' && quote != '`')
                return i; // an unbalanced quote (an apostrophe in prose) ends at the line's end
        }
        return text.Length;
    }

    private static int LineEnd(string text, int start)
    {
        var end = text.IndexOf('\n', start);
        return end < 0 ? text.Length : end;
    }
}
