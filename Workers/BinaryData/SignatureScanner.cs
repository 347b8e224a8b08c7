using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
namespace Cucos.Workers.BinaryData;

/// <summary>Embedded content found in a file: where its structure starts, what it is, and what its header says.</summary>
public sealed record BinaryHit(
    [property: Description("Where the structure starts in the file.")] long Offset,
    [property: Description("The signature's name, e.g. zip, elf, png, pem-private-key.")] string Type,
    string Category,
    [property: Description("What the header says, binwalk-style.")] string Description);

/// <summary>What the scan found in one file.</summary>
public sealed record BinaryFileReport(
    string Path,
    long Size,
    [property: Description("Shannon entropy of the whole file, bits per byte.")] [property: Range(0.0, 8.0)] double Entropy,
    IReadOnlyList<BinaryHit> Hits,
    [property: Description("True when the file had more hits than are listed (1000).")] bool HitsTruncated,
    IReadOnlyList<EntropyRegion> HighEntropyRegions,
    [property: Description("Why the file could not be scanned, or null.")] string? Error = null);

/// <summary>
/// Scans a file for every signature at every offset, streaming: the file is read once in chunks, and each chunk
/// keeps the tail of the previous one (a magic's look-behind plus a header's look-ahead), so a structure
/// straddling two chunks is seen whole. Entropy is measured in the same pass.
/// </summary>
public sealed class SignatureScanner(SignatureSet signatures, int chunkSize = 1 << 20)
{
    public const int MaxHitsPerFile = 1000;

    private readonly ulong[] prefixes = BuildPrefixBitmap(signatures);

    public async Task<BinaryFileReport> ScanAsync(string fullPath, string reportedPath, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        var length = stream.Length;
        var entropy = new EntropyMeter(length);
        var hits = new List<BinaryHit>();
        var lookBehind = signatures.MaxMagicOffset;
        var lookAhead = SignatureSet.MaxHeaderLength;
        var buffer = new byte[chunkSize + lookBehind + lookAhead];
        long bufferStart = 0;
        int filled = 0, scanFrom = 0;
        while (true)
        {
            var endOfFile = false;
            while (filled < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    endOfFile = true;
                    break;
                }
                entropy.Append(buffer.AsSpan(filled, read));
                filled += read;
            }
            // Until the end of the file, a magic is only looked at where a whole header can follow it in the buffer.
            var scanTo = endOfFile ? filled : filled - lookAhead;
            if (hits.Count <= MaxHitsPerFile)
                Scan(buffer, scanFrom, scanTo, filled, bufferStart, length, hits);
            if (endOfFile)
                break;
            var keepFrom = scanTo - lookBehind;
            Buffer.BlockCopy(buffer, keepFrom, buffer, 0, filled - keepFrom);
            bufferStart += keepFrom;
            filled -= keepFrom;
            scanFrom = scanTo - keepFrom;
        }
        var truncated = hits.Count > MaxHitsPerFile;
        hits.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        var (fileEntropy, regions) = entropy.Finish();
        return new BinaryFileReport(reportedPath, length, fileEntropy, truncated ? hits[..MaxHitsPerFile] : hits, truncated, regions);
    }

    /// <summary>Every magic starting in [from, to) of the buffer, confirmed by its header check.</summary>
    private void Scan(byte[] buffer, int from, int to, int filled, long bufferStart, long fileLength, List<BinaryHit> hits)
    {
        var last = Math.Min(to, filled - 1);
        for (var p = from; p < last; p++)
        {
            var key = buffer[p] | (buffer[p + 1] << 8);
            if ((prefixes[key >> 6] & (1UL << key)) == 0)
                continue;
            foreach (var signature in signatures.Candidates(buffer[p], buffer[p + 1])!)
            {
                var start = p - signature.MagicOffset;
                if (start < 0 || p + signature.Magic.Length > filled || !buffer.AsSpan(p, signature.Magic.Length).SequenceEqual(signature.Magic))
                    continue;
                var header = buffer.AsSpan(start, Math.Min(filled - start, SignatureSet.MaxHeaderLength));
                if (header.Length < signature.HeaderLength)
                    continue;
                var offset = bufferStart + start;
                if (signature.Check(header, fileLength - offset) is not { } detail)
                    continue;
                hits.Add(new BinaryHit(offset, signature.Name, signature.Category, detail.Length == 0 ? signature.Description : $"{signature.Description}, {detail}"));
                if (hits.Count > MaxHitsPerFile)
                    return;
            }
        }
    }

    private static ulong[] BuildPrefixBitmap(SignatureSet signatures)
    {
        var bitmap = new ulong[65536 / 64];
        foreach (var signature in signatures.All)
        {
            var key = signature.Magic[0] | (signature.Magic[1] << 8);
            bitmap[key >> 6] |= 1UL << key;
        }
        return bitmap;
    }
}
