using System.Text;

namespace Cucos.Workers.Content.Lexing;

/// <summary>What a stretch of a source file is.</summary>
public enum TokenKind : byte
{
    Code,
    /// <summary>A string or template literal, quotes included.</summary>
    Literal,
    Comment,
    Regex,
    /// <summary>Prose of a documentation file (README, CHANGELOG, licence): neither code nor a literal.</summary>
    Text,
}

/// <summary>Which lexer reads a file.</summary>
public enum SourceSyntax : byte
{
    /// <summary>Not a language we lex: the whole file is one code span.</summary>
    None,
    JavaScript,
    Python,
    Shell,
    /// <summary>C, C++, C#, Java, Go, Rust, Swift, Kotlin, PHP...: <c>//</c> and <c>/* */</c> comments, quoted strings, no regex literals.</summary>
    CLike,
    Ruby,
    /// <summary>JSON and source maps: strings only.</summary>
    Json,
    /// <summary>A documentation file: all prose.</summary>
    Documentation,
}

/// <summary>Encoded data inside a file, found so that scanners skip it (or flag it).</summary>
public enum BlobKind : byte
{
    Base64,
    Hex,
    /// <summary>Base64 of a WebAssembly module (it starts with <c>\0asm</c>, "AGFzbQ" in base64).</summary>
    WasmBase64,
    /// <summary>A source map's <c>mappings</c> (VLQ) or an inline <c>sourceMappingURL=data:</c> map.</summary>
    SourceMap,
    /// <summary>A <c>data:...;base64,</c> URI.</summary>
    DataUri,
}

/// <summary>One token span: its kind and where it is in <see cref="LexicalView.Text"/>.</summary>
public readonly record struct LexSpan(TokenKind Kind, int Start, int Length)
{
    public int End => Start + Length;
}

/// <summary>One run of encoded data.</summary>
public readonly record struct EncodedBlob(BlobKind Kind, int Start, int Length);

/// <summary>
/// A source file split into code, string literals, comments, regex literals and documentation prose, as contiguous
/// spans over the file's characters (no per-line strings), with line starts and the encoded blobs it holds. Shared
/// by supply_chain and crypto_algorithms so that a word in a comment, a README or a base64 blob is not taken for code.
/// Files are read up to <see cref="DefaultMaxBytes"/>; the rest is not lexed (<see cref="Truncated"/>).
/// </summary>
public sealed class LexicalView
{
    /// <summary>How much of a file is lexed: a bound on time and memory for a 100 MB file.</summary>
    public const int DefaultMaxBytes = 8 * 1024 * 1024;

    /// <summary>The shortest run of base64 or hex characters taken for encoded data.</summary>
    public const int MinBlobLength = 200;

    private const int MaxBlobs = 10_000;

    private readonly List<LexSpan> spans;
    private readonly int[] lineStarts;
    private string? masked;

    private LexicalView(string path, string text, SourceSyntax syntax, List<LexSpan> spans, List<EncodedBlob> blobs, bool truncated, long size)
    {
        Path = path;
        Text = text;
        Syntax = syntax;
        this.spans = spans;
        Blobs = blobs;
        Truncated = truncated;
        Size = size;
        lineStarts = LineStartsOf(text);
        var longest = 0;
        for (var i = 0; i < lineStarts.Length; i++)
            longest = Math.Max(longest, LineEnd(i) - lineStarts[i]);
        LongestLine = longest;
    }

    public string Path { get; }
    public string Text { get; }
    public SourceSyntax Syntax { get; }
    public IReadOnlyList<LexSpan> Spans => spans;
    public IReadOnlyList<EncodedBlob> Blobs { get; }
    /// <summary>The file was longer than the bound: only its start was lexed.</summary>
    public bool Truncated { get; }
    /// <summary>The file's size in bytes on disk.</summary>
    public long Size { get; }
    public int LineCount => lineStarts.Length;
    public int LongestLine { get; }
    public bool IsDocumentation => Syntax == SourceSyntax.Documentation;

    /// <summary>
    /// The text with comments, documentation prose and encoded blobs replaced by spaces (line breaks kept), at the
    /// same offsets: what a pattern over code and literals runs on.
    /// </summary>
    public string Masked => masked ??= Mask();

    /// <summary>The kind of the span holding <paramref name="index"/>.</summary>
    public TokenKind KindAt(int index)
    {
        int low = 0, high = spans.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var span = spans[mid];
            if (index < span.Start)
                high = mid - 1;
            else if (index >= span.End)
                low = mid + 1;
            else
                return span.Kind;
        }
        return TokenKind.Code;
    }

    /// <summary>True when <paramref name="index"/> is inside an encoded blob.</summary>
    public bool InBlob(int index)
    {
        int low = 0, high = Blobs.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var blob = Blobs[mid];
            if (index < blob.Start)
                high = mid - 1;
            else if (index >= blob.Start + blob.Length)
                low = mid + 1;
            else
                return true;
        }
        return false;
    }

    /// <summary>The 1-based line of <paramref name="index"/>.</summary>
    public int LineOf(int index)
    {
        var at = Array.BinarySearch(lineStarts, index);
        return (at >= 0 ? at : ~at - 1) + 1;
    }

    /// <summary>The line holding <paramref name="index"/>, cut to about <paramref name="maxLength"/> characters around it.</summary>
    public string SnippetAt(int index, int length, int maxLength = 120)
    {
        var line = LineOf(index) - 1;
        var start = lineStarts[line];
        var end = LineEnd(line);
        if (end - start > maxLength)
        {
            start = Math.Max(start, index - maxLength / 3);
            end = Math.Min(end, Math.Max(index + length, start + maxLength));
            end = Math.Min(end, start + maxLength);
        }
        return Text.AsSpan(start, end - start).Trim().ToString();
    }

    private int LineEnd(int line)
    {
        var end = line + 1 < lineStarts.Length ? lineStarts[line + 1] - 1 : Text.Length;
        if (end > lineStarts[line] && end <= Text.Length && end - 1 >= 0 && end - 1 < Text.Length && Text[end - 1] == '\r')
            end--;
        return Math.Max(end, lineStarts[line]);
    }

    private static int[] LineStartsOf(string text)
    {
        var count = 1;
        foreach (var c in text.AsSpan())
            if (c == '\n')
                count++;
        var starts = new int[count];
        var at = 1;
        var index = text.IndexOf('\n');
        while (index >= 0)
        {
            starts[at++] = index + 1;
            index = text.IndexOf('\n', index + 1);
        }
        return starts;
    }

    private string Mask()
    {
        var chars = Text.ToCharArray();
        foreach (var span in spans)
            if (span.Kind is TokenKind.Comment or TokenKind.Text)
                Blank(chars, span.Start, span.Length);
        foreach (var blob in Blobs)
            Blank(chars, blob.Start, blob.Length);
        return new string(chars);
    }

    private static void Blank(char[] chars, int start, int length)
    {
        var span = chars.AsSpan(start, length);
        for (var i = 0; i < span.Length; i++)
            if (span[i] is not ('\n' or '\r'))
                span[i] = ' ';
    }

    /// <summary>Lexes <paramref name="text"/> as <paramref name="syntax"/>.</summary>
    public static LexicalView Of(string path, string text, SourceSyntax syntax, bool truncated = false, long? size = null)
    {
        var spans = syntax switch
        {
            SourceSyntax.JavaScript => Lexers.CLike(text, regexLiterals: true, hashComments: false, backtickStrings: true),
            SourceSyntax.CLike => Lexers.CLike(text, regexLiterals: false, hashComments: false, backtickStrings: true),
            SourceSyntax.Json => Lexers.CLike(text, regexLiterals: false, hashComments: false, backtickStrings: false),
            SourceSyntax.Python => Lexers.Hash(text, pythonStrings: true),
            SourceSyntax.Shell or SourceSyntax.Ruby => Lexers.Hash(text, pythonStrings: false),
            SourceSyntax.Documentation => text.Length == 0 ? [] : [new LexSpan(TokenKind.Text, 0, text.Length)],
            _ => text.Length == 0 ? [] : [new LexSpan(TokenKind.Code, 0, text.Length)],
        };
        return new LexicalView(path, text, syntax, spans, BlobFinder.Find(text, MaxBlobs), truncated, size ?? Encoding.UTF8.GetByteCount(text));
    }

    /// <summary>
    /// Reads and lexes a text file: at most <paramref name="maxBytes"/> bytes, invalid UTF-8 replaced, never failing
    /// on content. Returns null for a binary file (a NUL byte in its first bytes).
    /// </summary>
    public static LexicalView? Read(PackageFile file, int maxBytes = DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(file);
        using var stream = PackageFiles.OpenSequential(file.FullPath);
        var length = (int)Math.Min(file.Size, maxBytes);
        var bytes = new byte[length];
        var read = 0;
        while (read < length && stream.Read(bytes, read, length - read) is var n and > 0)
            read += n;
        if (PackageFiles.LooksBinary(bytes.AsSpan(0, Math.Min(read, PackageFiles.BinarySniffLength))))
            return null;
        var start = read >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        var text = Encoding.UTF8.GetString(bytes, start, read - start);
        return Of(file.Path, text, SyntaxOf(file.Path), truncated: file.Size > maxBytes, size: file.Size);
    }

    /// <summary>The lexer for a path, by extension and well-known names.</summary>
    public static SourceSyntax SyntaxOf(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        var extension = System.IO.Path.GetExtension(name).ToLowerInvariant();
        var stem = System.IO.Path.GetFileNameWithoutExtension(name).ToUpperInvariant();
        if (DocumentationStems.Contains(stem) && extension is "" or ".md" or ".txt" or ".rst" or ".markdown" or ".adoc")
            return SourceSyntax.Documentation;
        return extension switch
        {
            ".js" or ".mjs" or ".cjs" or ".jsx" or ".ts" or ".mts" or ".cts" or ".tsx" => SourceSyntax.JavaScript,
            ".py" or ".pyw" or ".pyi" => SourceSyntax.Python,
            ".sh" or ".bash" or ".zsh" or ".ksh" or ".ps1" or ".psm1" => SourceSyntax.Shell,
            ".rb" or ".gemspec" or ".rake" => SourceSyntax.Ruby,
            ".c" or ".h" or ".cc" or ".cpp" or ".cxx" or ".hpp" or ".hh" or ".cs" or ".java" or ".go" or ".rs" or ".swift"
                or ".kt" or ".kts" or ".scala" or ".php" or ".m" or ".mm" or ".dart" or ".groovy" or ".gradle" => SourceSyntax.CLike,
            ".json" or ".map" => SourceSyntax.Json,
            ".md" or ".markdown" or ".rst" or ".txt" or ".adoc" or ".textile" or ".rdoc" => SourceSyntax.Documentation,
            _ => name is "Rakefile" or "Gemfile" ? SourceSyntax.Ruby : SourceSyntax.None,
        };
    }

    private static readonly HashSet<string> DocumentationStems =
        ["README", "CHANGELOG", "CHANGES", "HISTORY", "NEWS", "LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS", "CONTRIBUTING",
         "CONTRIBUTORS", "SECURITY", "CODE_OF_CONDUCT", "RELEASE", "RELEASES", "UPGRADING", "MIGRATION", "THANKS"];
}
