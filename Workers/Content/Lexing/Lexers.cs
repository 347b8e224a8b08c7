namespace Cucos.Workers.Content.Lexing;

/// <summary>
/// The lexers behind <see cref="LexicalView"/>: one pass over the characters, spans out, linear in the length of the
/// file whatever its lines (an unterminated string or comment ends at the end of its line or of the file).
/// </summary>
internal static class Lexers
{
    /// <summary>Words after which a <c>/</c> starts a regex literal rather than a division.</summary>
    private static readonly HashSet<string> RegexAfterWords =
        ["return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await"];

    /// <summary>C-family and JavaScript: line and block comments, quoted strings, template literals, regex literals.</summary>
    public static List<LexSpan> CLike(string text, bool regexLiterals, bool hashComments, bool backtickStrings)
    {
        var spans = new Builder(text.Length);
        var templates = new Stack<int>(); // brace depth at which each open template's ${ ... } closes
        var depth = 0;
        var regexAllowed = true;
        var i = 0;
        var n = text.Length;
        if (n > 1 && text[0] == '#' && text[1] == '!')
        {
            i = EndOfLine(text, 0);
            spans.Add(TokenKind.Comment, 0, i);
        }
        while (i < n)
        {
            var c = text[i];
            var next = i + 1 < n ? text[i + 1] : '\0';
            if (c == '/' && next == '/' || hashComments && c == '#')
            {
                var end = EndOfLine(text, i);
                spans.Add(TokenKind.Comment, i, end);
                i = end;
            }
            else if (c == '/' && next == '*')
            {
                var close = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                var end = close < 0 ? n : close + 2;
                spans.Add(TokenKind.Comment, i, end);
                i = end;
            }
            else if (c is '"' or '\'')
            {
                var end = QuotedEnd(text, i, c, multiline: false);
                spans.Add(TokenKind.Literal, i, end);
                i = end;
                regexAllowed = false;
            }
            else if (c == '`' && backtickStrings)
            {
                i = Template(text, i + 1, spans, i, templates, depth);
                regexAllowed = false;
            }
            else if (c == '}' && templates.Count > 0 && templates.Peek() == depth)
            {
                templates.Pop();
                i = Template(text, i, spans, i, templates, depth);
                regexAllowed = false;
            }
            else if (c == '/' && regexLiterals && regexAllowed && RegexEnd(text, i) is var regexEnd and > 0)
            {
                spans.Add(TokenKind.Regex, i, regexEnd);
                i = regexEnd;
                regexAllowed = false;
            }
            else if (char.IsLetter(c) || c is '_' or '$')
            {
                var start = i;
                while (i < n && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '$'))
                    i++;
                regexAllowed = i - start <= 10 && RegexAfterWords.Contains(text[start..i]);
            }
            else if (char.IsDigit(c))
            {
                while (i < n && (char.IsLetterOrDigit(text[i]) || text[i] == '.'))
                    i++;
                regexAllowed = false;
            }
            else
            {
                if (c == '{')
                    depth++;
                else if (c == '}')
                    depth--;
                if (!char.IsWhiteSpace(c))
                    regexAllowed = c is not (')' or ']' or '}');
                i++;
            }
        }
        return spans.Finish();
    }

    // From just after a backtick or the '}' closing a substitution: string up to the closing backtick or the next '${'.
    private static int Template(string text, int i, Builder spans, int start, Stack<int> templates, int depth)
    {
        var n = text.Length;
        while (i < n)
        {
            var c = text[i];
            if (c == '\\')
                i += 2;
            else if (c == '`')
            {
                spans.Add(TokenKind.Literal, start, i + 1);
                return i + 1;
            }
            else if (c == '$' && i + 1 < n && text[i + 1] == '{')
            {
                spans.Add(TokenKind.Literal, start, i + 2);
                templates.Push(depth);
                return i + 2;
            }
            else
                i++;
        }
        spans.Add(TokenKind.Literal, start, n);
        return n;
    }

    /// <summary>The end of a regex literal starting at <paramref name="start"/>, or 0 when the line ends first (then it was a division).</summary>
    private static int RegexEnd(string text, int start)
    {
        var inClass = false;
        for (var i = start + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\n' or '\r')
                return 0;
            if (c == '\\')
                i++;
            else if (c == '[')
                inClass = true;
            else if (c == ']')
                inClass = false;
            else if (c == '/' && !inClass)
            {
                if (i == start + 1)
                    return 0;
                i++;
                while (i < text.Length && char.IsAsciiLetter(text[i]))
                    i++;
                return i;
            }
        }
        return 0;
    }

    /// <summary>Python, shell and Ruby: <c>#</c> comments; quoted strings; Python's prefixed and triple-quoted strings.</summary>
    public static List<LexSpan> Hash(string text, bool pythonStrings)
    {
        var spans = new Builder(text.Length);
        var n = text.Length;
        var i = 0;
        while (i < n)
        {
            var c = text[i];
            if (c == '#' && (pythonStrings || i == 0 || char.IsWhiteSpace(text[i - 1]) || text[i - 1] is ';' or '(' or '|' or '&'))
            {
                var end = EndOfLine(text, i);
                spans.Add(TokenKind.Comment, i, end);
                i = end;
            }
            else if (c is '"' or '\'')
            {
                var start = i;
                if (pythonStrings)
                    while (start > 0 && start > i - 3 && text[start - 1] is 'r' or 'R' or 'b' or 'B' or 'u' or 'U' or 'f' or 'F')
                        start--;
                if (start < i && start > 0 && (char.IsLetterOrDigit(text[start - 1]) || text[start - 1] == '_'))
                    start = i; // the letters belong to a longer word: no prefix
                int end;
                if (pythonStrings && i + 2 < n && text[i + 1] == c && text[i + 2] == c)
                {
                    var close = text.IndexOf(new string(c, 3), i + 3, StringComparison.Ordinal);
                    end = close < 0 ? n : close + 3;
                }
                else
                    end = QuotedEnd(text, i, c, multiline: !pythonStrings, escapes: pythonStrings || c == '"');
                spans.Add(TokenKind.Literal, start, end);
                i = end;
            }
            else
                i++;
        }
        return spans.Finish();
    }

    private static int QuotedEnd(string text, int open, char quote, bool multiline, bool escapes = true)
    {
        for (var i = open + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && escapes)
                i++;
            else if (c == quote)
                return i + 1;
            else if (c == '\n' && !multiline)
                return i;
        }
        return text.Length;
    }

    private static int EndOfLine(string text, int from)
    {
        var end = text.IndexOf('\n', from);
        return end < 0 ? text.Length : end;
    }

    /// <summary>Collects spans and fills the gaps between them with code, so the spans cover the text.</summary>
    private sealed class Builder(int length)
    {
        private readonly List<LexSpan> spans = [];
        private int covered;

        public void Add(TokenKind kind, int start, int end)
        {
            start = Math.Max(start, covered);
            end = Math.Min(end, length);
            if (end <= start)
                return;
            if (start > covered)
                Append(TokenKind.Code, covered, start);
            Append(kind, start, end);
            covered = end;
        }

        private void Append(TokenKind kind, int start, int end)
        {
            if (spans.Count > 0 && spans[^1].Kind == kind && spans[^1].End == start)
                spans[^1] = spans[^1] with { Length = end - spans[^1].Start };
            else
                spans.Add(new LexSpan(kind, start, end - start));
        }

        public List<LexSpan> Finish()
        {
            if (covered < length)
                Append(TokenKind.Code, covered, length);
            return spans;
        }
    }
}
