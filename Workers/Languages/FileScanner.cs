using System.Buffers;
using System.ComponentModel;
using System.Text;
using System.Text.RegularExpressions;

namespace Cucos.Workers.Languages;

/// <summary>The languages worker's finding for one file.</summary>
public sealed record FileLanguage(
    string Path,
    long Size,
    [property: Description("Linguist's language name; null for binary, empty and unrecognised files")] string? Language,
    string? Type,
    [property: Description("the language the breakdown counts it under")] string? Group,
    [property: Description("the strategy that decided the language")] string? Strategy,
    long Lines,
    [property: Description("lines with something other than whitespace")] long Sloc,
    string Mime,
    bool Vendored,
    bool Generated,
    [property: Description("the generated-file rule that matched")] string? GeneratedBy,
    bool Documentation,
    bool Binary,
    bool InBreakdown,
    [property: Description("why the file could not be read")] string? Error = null);

/// <summary>Reads one file once, streaming: detection and the generated-file rules see its start and its end.</summary>
public static partial class FileScanner
{
    /// <summary>Detection reads the first 128 KiB of a file, as Linguist does for a repository's blobs.</summary>
    public const int HeadBytes = 128 * 1024;

    /// <summary>A NUL byte in this much of the start of a file makes it binary (git's and Linguist's test).</summary>
    public const int BinaryProbeBytes = 8000;

    private const int ChunkBytes = 64 * 1024;
    private const int TailBytes = 16 * 1024;
    private const int HeadLinesKept = 50;
    private static readonly string[] BreakdownTypes = ["programming", "markup"];

    public static async Task<FileLanguage> ScanAsync(string fullPath, string relativePath, LinguistData data, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(relativePath);
        var mime = MimeOf(name, data);
        var vendored = data.VendorPaths.IsMatch(relativePath);
        var documentation = data.DocumentationPaths.IsMatch(relativePath);
        var result = new FileLanguage(relativePath, 0, null, null, null, null, 0, 0, mime ?? "text/plain",
            vendored, false, null, documentation, false, false);
        try
        {
            var head = ArrayPool<byte>.Shared.Rent(HeadBytes);
            try
            {
                await using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
                var headLength = await stream.ReadAtLeastAsync(head.AsMemory(0, HeadBytes), HeadBytes, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (IsBinary(head.AsSpan(0, headLength)))
                    return result with { Size = stream.Length, Binary = true, Mime = mime ?? "application/octet-stream" };

                var counter = new LineCounter();
                counter.Add(head.AsSpan(0, headLength));
                var size = (long)headLength;
                string? tail = null;
                if (headLength == HeadBytes)
                    (size, tail) = await ReadRestAsync(stream, head.AsMemory(0, headLength), counter, cancellationToken).ConfigureAwait(false);

                var headText = Encoding.Latin1.GetString(head, 0, headLength);
                var lines = LineBreak().Split(headText, Modeline.SearchLines + 1);
                var tailLines = (tail ?? headText).Split('\n');
                var detection = size == 0 ? null : LanguageDetector.Detect(
                    new DetectionInput(name, headText, lines.Take(Modeline.SearchLines).ToArray(), LastLines(tailLines)), data);

                var sample = new FileSample(relativePath, headText.Split('\n', HeadLinesKept + 1).Take(HeadLinesKept).ToArray(),
                    tailLines.TakeLast(3).ToArray(), counter.NewlineBytes + 1, size - counter.NewlineBytes);
                var generatedBy = GeneratedRules.Match(sample);
                var language = detection?.Language;
                return result with
                {
                    Size = size,
                    Language = language?.Name,
                    Type = language?.Type,
                    Group = language?.GroupName,
                    Strategy = detection?.Strategy,
                    Lines = counter.Lines,
                    Sloc = counter.SourceLines,
                    Generated = generatedBy is not null,
                    GeneratedBy = generatedBy,
                    InBreakdown = language is not null && !vendored && !documentation && generatedBy is null && BreakdownTypes.Contains(language.Type),
                };
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(head);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return result with { Error = $"could not read the file: {exception.Message}" };
        }
    }

    /// <summary>Counts the lines of the rest of a big file and returns its size and its last bytes as text.</summary>
    private static async Task<(long Size, string Tail)> ReadRestAsync(
        FileStream stream, ReadOnlyMemory<byte> head, LineCounter counter, CancellationToken cancellationToken)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        var tail = new byte[TailBytes];
        var tailLength = Math.Min(head.Length, TailBytes);
        head[^tailLength..].CopyTo(tail);
        var size = (long)head.Length;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk.AsMemory(0, ChunkBytes), cancellationToken).ConfigureAwait(false)) > 0)
            {
                counter.Add(chunk.AsSpan(0, read));
                size += read;
                // Keep the last TailBytes read: shift what is kept, append the end of this chunk.
                var take = Math.Min(read, TailBytes);
                var keep = Math.Min(tailLength, TailBytes - take);
                Buffer.BlockCopy(tail, tailLength - keep, tail, 0, keep);
                Buffer.BlockCopy(chunk, read - take, tail, keep, take);
                tailLength = keep + take;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return (size, Encoding.Latin1.GetString(tail, 0, tailLength));
    }

    /// <summary>The last lines as Linguist's modeline search sees them: the final line break does not start a line.</summary>
    private static string[] LastLines(string[] lines)
    {
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        return lines[Math.Max(0, count - Modeline.SearchLines)..count].Select(l => l.TrimEnd('\r')).ToArray();
    }

    /// <summary>
    /// A NUL byte in the first 8000 bytes, as git and Linguist's encoding detector test; UTF-16 and UTF-32 text
    /// announced by a byte order mark is text.
    /// </summary>
    public static bool IsBinary(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])
            || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
            return false;
        return head[..Math.Min(head.Length, BinaryProbeBytes)].Contains((byte)0);
    }

    /// <summary>mini_mime's type for the name's last extension, exact first, then lower-cased.</summary>
    public static string? MimeOf(string name, LinguistData data)
    {
        var dot = name.LastIndexOf('.');
        if (dot <= 0 || dot == name.Length - 1)
            return null;
        var extension = name[(dot + 1)..];
        return data.MimeByExtension.GetValueOrDefault(extension) ?? data.MimeByExtension.GetValueOrDefault(extension.ToLowerInvariant());
    }

    [GeneratedRegex(@"\r\n|\r|\n")]
    private static partial Regex LineBreak();
}
