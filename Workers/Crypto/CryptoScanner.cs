using System.Buffers;
using System.ComponentModel;
using System.Text.RegularExpressions;
using Cucos.Workers.Content;
using Cucos.Workers.Content.Lexing;

namespace Cucos.Workers.Crypto;

/// <summary>How a match was made.</summary>
public static class CryptoMatchType
{
    public const string Content = "content";
    public const string Filename = "filename";
    public const string Constant = "constant";
}

/// <summary>What a match says about the package, from where it was found (see docs/crypto-algorithms.md).</summary>
public static class CryptoMatchKind
{
    /// <summary>The package carries the algorithm itself: a file named for it, or code in a file that holds its constants, or a definition named for it.</summary>
    public const string Implementation = "implementation";
    /// <summary>Code or a string literal that calls or names the algorithm or library for use.</summary>
    public const string ApiUse = "api_use";
    /// <summary>A known constant of the algorithm (S-box, initial values, round constants), in source or in bytes.</summary>
    public const string Constant = "constant";
    /// <summary>A word in a comment, a documentation file (README, changelog, licence) or JSON data: not a use.</summary>
    public const string Mention = "mention";

    public static bool IsUse(string kind) => kind != Mention;
}

/// <summary>One algorithm found in a file. Text files give a line, binary files a byte offset.</summary>
public sealed record CryptoMatch(
    string Algorithm,
    string Category,
    string Path,
    [property: Description("1-based line of a content or constant match in a text file")] int? Line,
    [property: Description("byte offset of a constant in a binary file")] long? Offset,
    string MatchType,
    [property: Description("the matched text, the file name, or the constant's description")] string Text,
    [property: Description("implementation, api_use, constant or mention (a comment, documentation or JSON data: not a use)")] string Kind);

/// <summary>What one file gave: its matches (at most <see cref="CryptoScanner.MaxMatchesPerFile"/> kept) and their real count per algorithm and kind.</summary>
public sealed record FileCrypto(bool Binary, IReadOnlyList<CryptoMatch> Matches, IReadOnlyDictionary<string, int> Counts, IReadOnlyDictionary<(string Algorithm, string Kind), int> KindCounts)
{
    /// <summary>Algorithm -> matches that are uses (not mentions).</summary>
    public IReadOnlyDictionary<string, int> Uses => KindCounts.Where(k => CryptoMatchKind.IsUse(k.Key.Kind))
        .GroupBy(k => k.Key.Algorithm, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(k => k.Value), StringComparer.Ordinal);
}

/// <summary>
/// Scans one file: its name, then its text on the shared lexical view (encoded blobs such as base64 WebAssembly and
/// source-map mappings skipped; comments, documentation and JSON are mentions), or its bytes for known constants.
/// </summary>
public sealed partial class CryptoScanner(CryptoPatterns patterns)
{
    public const int MaxMatchesPerFile = 200;
    private const int MaxTextLength = 120;

    /// <summary>A line longer than this (minified code) is searched only in windows around the anchors found in it.</summary>
    private const int WindowedLineLength = 4096;
    private const int WindowBefore = 96;
    private const int WindowAfter = 160;
    private const int ChunkSize = 1 << 20;

    public FileCrypto Scan(PackageFile file, CancellationToken cancellationToken)
    {
        var view = LexicalView.Read(file);
        var result = new Collector(file.Path);
        ScanName(file.Path, view is null ? SourceSyntax.None : view.Syntax, result);
        if (view is null)
        {
            using var stream = PackageFiles.OpenSequential(file.FullPath);
            ScanBytes(stream, result, cancellationToken);
            return result.ToFile(binary: true);
        }
        ScanView(view, result, cancellationToken);
        return result.ToFile(binary: false);
    }

    /// <summary>Scans text as a file at <paramref name="path"/> would be (its name and its extension's lexer).</summary>
    public FileCrypto ScanText(string path, string text, CancellationToken cancellationToken)
    {
        var view = LexicalView.Of(path, text, LexicalView.SyntaxOf(path));
        var result = new Collector(path);
        ScanName(path, view.Syntax, result);
        ScanView(view, result, cancellationToken);
        return result.ToFile(binary: false);
    }

    /// <summary>Scans text given as a reader (what <see cref="Scan(PackageFile, CancellationToken)"/> does for a text file).</summary>
    public FileCrypto ScanText(string path, TextReader reader, CancellationToken cancellationToken) =>
        ScanText(path, reader.ReadToEnd(), cancellationToken);

    private void ScanName(string path, SourceSyntax syntax, Collector result)
    {
        var name = System.IO.Path.GetFileName(path);
        // A file named for an algorithm is its implementation (aes.c) or the key material itself (server.pem); a README is not.
        var kind = syntax == SourceSyntax.Documentation ? CryptoMatchKind.Mention : CryptoMatchKind.Implementation;
        foreach (var (algorithm, regex) in patterns.Filenames)
            if (regex.IsMatch(name))
                result.Add(algorithm, null, null, CryptoMatchType.Filename, name, kind);
    }

    private void ScanView(LexicalView view, Collector result, CancellationToken cancellationToken)
    {
        // Encoded blobs are blanked (same offsets), so neither the anchors nor the patterns see base64 or VLQ letters.
        var text = view.Blobs.Count == 0 ? view.Text : Blanked(view);
        var found = new List<(CryptoAlgorithm Algorithm, bool IsConstant, int Index, int Length, string Value)>();
        var lineStart = 0;
        var lines = 0;
        while (lineStart <= text.Length)
        {
            if (++lines % 1024 == 0)
                cancellationToken.ThrowIfCancellationRequested();
            var newline = text.IndexOf('\n', lineStart);
            var lineEnd = newline < 0 ? text.Length : newline;
            var line = text.AsSpan(lineStart, lineEnd - lineStart);
            var first = line.IndexOfAny(patterns.Anchors);
            if (first >= 0)
            {
                if (line.Length <= WindowedLineLength)
                    Collect(text, lineStart, lineEnd - lineStart, lineStart, found);
                else
                    Windows(text, lineStart, lineEnd, lineStart + first, found);
            }
            if (newline < 0)
                break;
            lineStart = newline + 1;
        }
        if (found.Count == 0)
            return;

        var constantAlgorithms = found.Where(f => f.IsConstant).Select(f => f.Algorithm.Name).ToHashSet(StringComparer.Ordinal);
        var namedFor = result.FilenameAlgorithms;
        foreach (var (algorithm, isConstant, index, length, value) in found)
        {
            var kind = KindOf(view, algorithm, isConstant, index, text, constantAlgorithms, namedFor);
            result.Add(algorithm, view.LineOf(index), null, isConstant ? CryptoMatchType.Constant : CryptoMatchType.Content, value, kind);
        }
    }

    // A long (minified) line: the pattern runs on a window around each anchor, so a megabyte line costs what its anchors
    // cost. A window starts at a word's start (the patterns' look-behinds see nothing before it); overlapping windows
    // give a match once, as matches are kept only from where the last one kept ended.
    private void Windows(string text, int lineStart, int lineEnd, int anchor, List<(CryptoAlgorithm, bool, int, int, string)> found)
    {
        var taken = lineStart;
        while (anchor >= 0)
        {
            var from = Math.Max(lineStart, anchor - WindowBefore);
            for (var back = 0; back < 64 && from > lineStart && char.IsLetterOrDigit(text[from - 1]); back++)
                from--;
            var to = Math.Min(lineEnd, anchor + WindowAfter);
            taken = Collect(text, from, to - from, taken, found);
            // The next anchor at or after the end of this window, less a little so that a word cut at the end is whole in the next one.
            var resume = Math.Max(anchor + 1, to - 32);
            var next = resume >= lineEnd ? -1 : text.AsSpan(resume, lineEnd - resume).IndexOfAny(patterns.Anchors);
            anchor = next < 0 || to >= lineEnd ? -1 : resume + next;
        }
    }

    /// <summary>Matches in <c>text[start..start+length]</c> that start at or after <paramref name="notBefore"/>; returns where the last one ended.</summary>
    private int Collect(string text, int start, int length, int notBefore, List<(CryptoAlgorithm, bool, int, int, string)> found)
    {
        var end = notBefore;
        for (var match = patterns.Content.Match(text, start, length); match.Success; match = match.NextMatch())
        {
            if (match.Index < notBefore || match.Length == 0 && match.Index < end)
                continue;
            var (algorithm, isConstant) = patterns.Which(match);
            found.Add((algorithm, isConstant, match.Index, match.Length, match.Value));
            end = Math.Max(end, match.Index + Math.Max(match.Length, 1));
        }
        return end;
    }

    private static string KindOf(LexicalView view, CryptoAlgorithm algorithm, bool isConstant, int index, string text,
        HashSet<string> constantAlgorithms, IReadOnlySet<string> namedFor)
    {
        if (view.Syntax is SourceSyntax.Documentation or SourceSyntax.Json)
            return CryptoMatchKind.Mention;
        var token = view.KindAt(index);
        if (token is TokenKind.Comment or TokenKind.Text)
            return CryptoMatchKind.Mention;
        if (isConstant)
            return CryptoMatchKind.Constant;
        if (algorithm.Category == "library" || token == TokenKind.Literal)
            return CryptoMatchKind.ApiUse;
        // Code in a file that holds the algorithm's constants or is named for it, or a definition of a name holding it, implements it.
        if (constantAlgorithms.Contains(algorithm.Name) || namedFor.Contains(algorithm.Name) || IsDefinition(text, index))
            return CryptoMatchKind.Implementation;
        return CryptoMatchKind.ApiUse;
    }

    // The identifier around index is being defined: `function aesEncrypt(`, `def sha256_block(`, `class Blowfish`, `static void md5_transform(`.
    private static bool IsDefinition(string text, int index)
    {
        var start = index;
        while (start > 0 && (char.IsLetterOrDigit(text[start - 1]) || text[start - 1] is '_' or '$'))
            start--;
        var lineStart = text.LastIndexOf('\n', Math.Max(start - 1, 0)) + 1;
        if (start - lineStart > 200)
            return false;
        return DefinitionPrefix().IsMatch(text.AsSpan(lineStart, start - lineStart));
    }

    [GeneratedRegex(@"(?:^|[\s;{}])(?:function\*?|def|class|struct|fn|func|interface|enum|(?:static\s+|inline\s+|const\s+|unsigned\s+)*(?:void|int|uint\w*|u?int\d+_t|u\d+|size_t|char|bool))\s+\**$", RegexOptions.CultureInvariant)]
    private static partial Regex DefinitionPrefix();

    private static string Blanked(LexicalView view)
    {
        var chars = view.Text.ToCharArray();
        foreach (var blob in view.Blobs)
            chars.AsSpan(blob.Start, blob.Length).Fill(' ');
        return new string(chars);
    }

    // Each constant once per file, at its first offset; chunks overlap so a constant across a boundary is found.
    private void ScanBytes(Stream stream, Collector result, CancellationToken cancellationToken)
    {
        var longest = patterns.BinaryConstants.Count == 0 ? 0 : patterns.BinaryConstants.Max(c => c.Bytes.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize + longest);
        var found = new bool[patterns.BinaryConstants.Count];
        try
        {
            long bufferStart = 0;
            var filled = 0;
            int read;
            while ((read = stream.Read(buffer, filled, ChunkSize + longest - filled)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                filled += read;
                var window = buffer.AsSpan(0, filled);
                for (var i = 0; i < found.Length; i++)
                {
                    if (found[i])
                        continue;
                    var at = window.IndexOf(patterns.BinaryConstants[i].Bytes);
                    if (at < 0)
                        continue;
                    found[i] = true;
                    var constant = patterns.BinaryConstants[i];
                    result.Add(constant.Algorithm, null, bufferStart + at, CryptoMatchType.Constant, constant.Description, CryptoMatchKind.Constant);
                }
                var keep = Math.Min(filled, Math.Max(longest - 1, 0));
                window[(filled - keep)..].CopyTo(buffer);
                bufferStart += filled - keep;
                filled = keep;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private sealed class Collector(string path)
    {
        private readonly List<CryptoMatch> matches = [];
        private readonly Dictionary<string, int> counts = new(StringComparer.Ordinal);
        private readonly Dictionary<(string, string), int> kindCounts = [];
        private readonly HashSet<string> filenameAlgorithms = new(StringComparer.Ordinal);

        public IReadOnlySet<string> FilenameAlgorithms => filenameAlgorithms;

        public void Add(CryptoAlgorithm algorithm, int? line, long? offset, string type, string text, string kind)
        {
            counts[algorithm.Name] = counts.GetValueOrDefault(algorithm.Name) + 1;
            kindCounts[(algorithm.Name, kind)] = kindCounts.GetValueOrDefault((algorithm.Name, kind)) + 1;
            if (type == CryptoMatchType.Filename && kind != CryptoMatchKind.Mention)
                filenameAlgorithms.Add(algorithm.Name);
            if (matches.Count < MaxMatchesPerFile)
                matches.Add(new CryptoMatch(algorithm.Name, algorithm.Category, path, line, offset, type,
                    text.Length <= MaxTextLength ? text : text[..MaxTextLength], kind));
        }

        public FileCrypto ToFile(bool binary) => new(binary, matches, counts, kindCounts);
    }
}
