using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Cucos.Workers.Digests;

/// <summary>
/// ssdeep's context-triggered piecewise hash ("3:abc:de"), computed in one pass over a stream of known length.
/// The output is the one ssdeep 2.14 prints for the same file.
/// </summary>
/// <remarks>
/// A rolling hash over the last seven bytes marks piece boundaries; each block size b = 3·2ⁱ cuts where the rolling
/// value is b−1 modulo b, and every piece contributes one base64 character of a 6-bit FNV-style hash. ssdeep picks the
/// block size from the input length, then falls back to smaller block sizes while the signature would be shorter than
/// 32 characters (the original tool re-hashed the file for each retry). Here every candidate block size is hashed in
/// the same pass, so the retry needs no second read: block size i+1 starts as a copy of block size i at i's first cut,
/// and a block size is dropped once a larger one already has 32 characters and the length rules it out.
/// </remarks>
public sealed class FuzzyHasher
{
    public const int SignatureLength = Cucos.Reports.Ssdeep.FuzzyHashComparer.SignatureLength;
    private const int RollingWindow = 7;
    private const int MinBlockSize = 3;
    private const int BlockSizeCount = 31;
    /// <summary>The low six bits of ssdeep's hash seed 0x28021967: only they reach the output.</summary>
    private const byte HashSeed = 0x27;
    private const string Base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>The next 6-bit piece hash for (hash, byte): (hash × 0x01000193) xor byte, modulo 64, as a table.</summary>
    private static readonly byte[] NextPieceHash = BuildPieceHashTable();

    private readonly long expectedLength;
    private readonly int blockSizeLimit;
    private long length;

    // Rolling hash over the last seven bytes (kept in the low 56 bits of rollWindow).
    private uint rollSum, rollWeighted, rollShifted;
    private ulong rollWindow;

    // One signature per block size, those from 'first' to 'end' (exclusive) are live.
    private int first, end = 1;
    private readonly byte[] pieceHash = new byte[BlockSizeCount];
    private readonly byte[] halfPieceHash = new byte[BlockSizeCount];
    private readonly byte[] signature = new byte[BlockSizeCount * SignatureLength];
    private readonly int[] signatureLength = new int[BlockSizeCount];
    private readonly byte[] halfTail = new byte[BlockSizeCount];
    private bool trackLastHash;
    private byte lastHash;

    /// <param name="expectedLength">The input's length in bytes, known before reading (ssdeep sizes its block from it).</param>
    public FuzzyHasher(long expectedLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedLength);
        this.expectedLength = expectedLength;
        // Only the estimated block size and the one above it can be printed, so larger ones are never started.
        blockSizeLimit = Math.Min(EstimatedBlockIndex(expectedLength) + 2, BlockSizeCount);
        pieceHash[0] = halfPieceHash[0] = HashSeed;
    }

    /// <summary>The signature of a whole buffer.</summary>
    public static string Hash(ReadOnlySpan<byte> data)
    {
        var hasher = new FuzzyHasher(data.Length);
        hasher.Append(data);
        return hasher.Finish();
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        length += data.Length;
        // The hot loop: state in locals, arrays through refs (indices are bounded by construction: 6-bit hashes, i < 31).
        ref var table = ref MemoryMarshal.GetArrayDataReference(NextPieceHash);
        ref var piece = ref MemoryMarshal.GetArrayDataReference(pieceHash);
        ref var half = ref MemoryMarshal.GetArrayDataReference(halfPieceHash);
        var (sum, weighted, shifted, window) = (rollSum, rollWeighted, rollShifted, rollWindow);
        foreach (var c in data)
        {
            // The window holds the last seven bytes, newest lowest; the one leaving is seven steps old.
            weighted += RollingWindow * (uint)c - sum;
            sum += c - (uint)(window >> 48);
            window = ((window << 8) | c) & 0x00FF_FFFF_FFFF_FFFF;
            shifted = (shifted << 5) ^ c;
            var roll = sum + weighted + shifted;

            for (var i = first; i < end; i++)
            {
                ref var h = ref Unsafe.Add(ref piece, i);
                h = Unsafe.Add(ref table, (h << 8) | c);
                ref var hh = ref Unsafe.Add(ref half, i);
                hh = Unsafe.Add(ref table, (hh << 8) | c);
            }
            if (trackLastHash)
                lastHash = NextPieceHash[(lastHash << 8) | c];

            if (roll % MinBlockSize == MinBlockSize - 1)
                Cut(roll);
        }
        (rollSum, rollWeighted, rollShifted, rollWindow) = (sum, weighted, shifted, window);
    }

    /// <summary>Closes every block size whose boundary the rolling value marks (a boundary of 2b is one of b too).</summary>
    private void Cut(uint roll)
    {
        for (var i = first; i < end; i++)
        {
            var blockSize = (uint)MinBlockSize << i;
            if (roll % blockSize != blockSize - 1)
                break;
            if (signatureLength[i] == 0)
                StartNextBlockSize();
            var at = i * SignatureLength;
            signature[at + signatureLength[i]] = (byte)Base64[pieceHash[i]];
            halfTail[i] = (byte)Base64[halfPieceHash[i]];
            if (signatureLength[i] < SignatureLength - 1)
            {
                signature[at + ++signatureLength[i]] = 0;
                pieceHash[i] = HashSeed;
                if (signatureLength[i] < SignatureLength / 2)
                {
                    halfPieceHash[i] = HashSeed;
                    halfTail[i] = 0;
                }
            }
            else
                DropSmallestBlockSize();
        }
    }

    private void StartNextBlockSize()
    {
        if (end < blockSizeLimit)
        {
            pieceHash[end] = pieceHash[end - 1];
            halfPieceHash[end] = halfPieceHash[end - 1];
            signatureLength[end] = 0;
            signature[end * SignatureLength] = 0;
            halfTail[end] = 0;
            end++;
        }
        else if (end == BlockSizeCount && !trackLastHash)
        {
            trackLastHash = true;
            lastHash = pieceHash[end - 1];
        }
    }

    private void DropSmallestBlockSize()
    {
        if (end - first < 2
            || BlockSize(first) * SignatureLength >= expectedLength
            || signatureLength[first + 1] < SignatureLength / 2)
            return;
        first++;
    }

    /// <summary>The signature, as ssdeep prints it: block size, the signature at it, and the one at twice it.</summary>
    public string Finish()
    {
        if (length != expectedLength)
            throw new IOException($"the input was {length} bytes long, not the {expectedLength} announced: it changed while it was read.");
        var rollingNonZero = rollSum + rollWeighted + rollShifted != 0;
        var bi = Math.Max(EstimatedBlockIndex(length), first);
        if (bi >= end)
            bi = end - 1;
        while (bi > first && signatureLength[bi] < SignatureLength / 2)
            bi--;

        var text = new StringBuilder(2 * SignatureLength + 24);
        text.Append(BlockSize(bi)).Append(':');
        AppendSignature(text, bi, signatureLength[bi]);
        if (rollingNonZero)
            text.Append(Base64[pieceHash[bi]]);
        else if (signature[bi * SignatureLength + signatureLength[bi]] is var pending and not 0)
            text.Append((char)pending);
        text.Append(':');
        if (bi < end - 1)
        {
            bi++;
            AppendSignature(text, bi, Math.Min(signatureLength[bi], SignatureLength / 2 - 1));
            if (rollingNonZero)
                text.Append(Base64[halfPieceHash[bi]]);
            else if (halfTail[bi] != 0)
                text.Append((char)halfTail[bi]);
        }
        else if (rollingNonZero)
            text.Append(Base64[bi == 0 ? pieceHash[bi] : lastHash]);
        return text.ToString();
    }

    private void AppendSignature(StringBuilder text, int index, int count)
    {
        foreach (var c in signature.AsSpan(index * SignatureLength, count))
            text.Append((char)c);
    }

    private static long BlockSize(int index) => (long)MinBlockSize << index;

    /// <summary>The smallest block size whose 64 pieces cover the length.</summary>
    private static int EstimatedBlockIndex(long length)
    {
        var index = 0;
        while (BlockSize(index) * SignatureLength < length)
        {
            if (++index >= BlockSizeCount)
                throw new ArgumentOutOfRangeException(nameof(length), length, "the input is too long for an ssdeep signature.");
        }
        return index;
    }

    private static byte[] BuildPieceHashTable()
    {
        const uint prime = 0x01000193;
        var table = new byte[64 * 256];
        for (uint h = 0; h < 64; h++)
            for (uint c = 0; c < 256; c++)
                table[(h << 8) | c] = (byte)(((h * prime) ^ c) & 0x3F);
        return table;
    }
}
