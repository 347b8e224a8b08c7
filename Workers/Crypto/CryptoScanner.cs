using System.Buffers;
using System.ComponentModel;
using System.Text;
using Cucos.Workers.Content;

namespace Cucos.Workers.Crypto;

/// <summary>How a match was made.</summary>
public static class CryptoMatchType
{
    public const string Content = "content";
    public const string Filename = "filename";
    public const string Constant = "constant";
}

/// <summary>One algorithm found in a file. Text files give a line, binary files a byte offset.</summary>
public sealed record CryptoMatch(
    string Algorithm,
    string Category,
    string Path,
    [property: Description("1-based line of a content or constant match in a text file")] int? Line,
    [property: Description("byte offset of a constant in a binary file")] long? Offset,
    string MatchType,
    [property: Description("the matched text, the file name, or the constant's description")] string Text);

/// <summary>What one file gave: its matches (at most <see cref="CryptoScanner.MaxMatchesPerFile"/> kept) and their real count.</summary>
public sealed record FileCrypto(bool Binary, IReadOnlyList<CryptoMatch> Matches, IReadOnlyDictionary<string, int> Counts);

/// <summary>Scans one file: its name, then its lines (text) or its bytes for known constants (binary), streaming.</summary>
public sealed class CryptoScanner(CryptoPatterns patterns)
{
    public const int MaxMatchesPerFile = 200;
    private const int MaxTextLength = 120;
    private const int MaxLineLength = 64 * 1024;
    private const int ChunkSize = 1 << 20;

    public FileCrypto Scan(PackageFile file, CancellationToken cancellationToken)
    {
        var result = new Collector(file.Path);
        var name = System.IO.Path.GetFileName(file.Path);
        foreach (var (algorithm, regex) in patterns.Filenames)
            if (regex.IsMatch(name))
                result.Add(algorithm, null, null, CryptoMatchType.Filename, name);

        using var stream = PackageFiles.OpenSequential(file.FullPath);
        var head = new byte[Math.Min(PackageFiles.BinarySniffLength, (int)Math.Min(file.Size, int.MaxValue))];
        stream.ReadExactly(head);
        stream.Position = 0;
        var binary = PackageFiles.LooksBinary(head);
        if (binary)
            ScanBytes(stream, result, cancellationToken);
        else
            ScanText(new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true), result, cancellationToken);
        return new FileCrypto(binary, result.Matches, result.Counts);
    }

    /// <summary>Scans text given as a reader (what <see cref="Scan(PackageFile, CancellationToken)"/> does for a text file).</summary>
    public FileCrypto ScanText(string path, TextReader reader, CancellationToken cancellationToken)
    {
        var result = new Collector(path);
        ScanText(reader, result, cancellationToken);
        return new FileCrypto(false, result.Matches, result.Counts);
    }

    private void ScanText(TextReader reader, Collector result, CancellationToken cancellationToken)
    {
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            if (++number % 1024 == 0)
                cancellationToken.ThrowIfCancellationRequested();
            // A minified line can be megabytes: it is searched in pieces (a match across a cut is rare and tolerated).
            for (var start = 0; start < line.Length; start += MaxLineLength)
            {
                var piece = line.Length <= MaxLineLength ? line : line.Substring(start, Math.Min(MaxLineLength, line.Length - start));
                if (piece.AsSpan().IndexOfAny(patterns.Anchors) < 0)
                    continue;
                for (var match = patterns.Content.Match(piece); match.Success; match = match.NextMatch())
                {
                    var (algorithm, isConstant) = patterns.Which(match);
                    result.Add(algorithm, number, null, isConstant ? CryptoMatchType.Constant : CryptoMatchType.Content, match.Value);
                }
            }
        }
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
                    result.Add(constant.Algorithm, null, bufferStart + at, CryptoMatchType.Constant, constant.Description);
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
        public List<CryptoMatch> Matches { get; } = [];
        public Dictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);

        public void Add(CryptoAlgorithm algorithm, int? line, long? offset, string type, string text)
        {
            Counts[algorithm.Name] = Counts.GetValueOrDefault(algorithm.Name) + 1;
            if (Matches.Count < MaxMatchesPerFile)
                Matches.Add(new CryptoMatch(algorithm.Name, algorithm.Category, path, line, offset, type,
                    text.Length <= MaxTextLength ? text : text[..MaxTextLength]));
        }
    }
}
