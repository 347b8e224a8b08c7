using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Cucos.Workers.BinaryData;

/// <summary>A stretch of a file whose blocks all have high Shannon entropy (compressed, encrypted or packed data).</summary>
public sealed record EntropyRegion(long Offset, long Length, [property: Description("Mean entropy of the region's blocks, bits per byte.")] [property: Range(0.0, 8.0)] double Entropy);

/// <summary>
/// Shannon entropy (bits per byte, 0-8) of a whole stream and of its fixed-size blocks, fed as the bytes arrive.
/// Consecutive blocks at or above <see cref="HighEntropy"/> (binwalk's rising edge, 0.95 of 8 bits) form a region.
/// </summary>
public sealed class EntropyMeter
{
    public const double HighEntropy = 7.6;
    private const int MinBlockSize = 4096;
    private const int MaxBlockSize = 1 << 20;
    /// <summary>A trailing partial block counts when it has at least this many bytes; smaller ones are too short to judge.</summary>
    private const int MinTailBlock = 1024;

    private readonly long[] total = new long[256];
    private readonly int[] block = new int[256];
    private readonly int blockSize;
    private readonly List<EntropyRegion> regions = [];
    private long length;
    private int inBlock;
    private long regionStart = -1;
    private double regionEntropySum;
    private int regionBlocks;

    /// <param name="expectedLength">The stream's length: blocks grow with it, about 256 per file, between 4 KiB and 1 MiB.</param>
    public EntropyMeter(long expectedLength)
    {
        var size = MinBlockSize;
        while (size < MaxBlockSize && (long)size * 256 < expectedLength)
            size *= 2;
        blockSize = size;
    }

    public int BlockSize => blockSize;

    public void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var take = Math.Min(data.Length, blockSize - inBlock);
            foreach (var b in data[..take])
                block[b]++;
            inBlock += take;
            data = data[take..];
            if (inBlock == blockSize)
                CloseBlock();
        }
    }

    private void CloseBlock()
    {
        var start = length;
        for (var i = 0; i < 256; i++)
            total[i] += block[i];
        length += inBlock;
        var entropy = Entropy(block, inBlock);
        if (entropy >= HighEntropy)
        {
            if (regionStart < 0)
                regionStart = start;
            regionEntropySum += entropy;
            regionBlocks++;
        }
        else
            CloseRegion(end: start);
        Array.Clear(block);
        inBlock = 0;
    }

    private void CloseRegion(long end)
    {
        if (regionStart >= 0)
            regions.Add(new EntropyRegion(regionStart, end - regionStart, Math.Round(regionEntropySum / regionBlocks, 3)));
        regionStart = -1;
        regionEntropySum = 0;
        regionBlocks = 0;
    }

    /// <summary>The entropy of everything appended, and the high-entropy regions in file order.</summary>
    public (double Entropy, IReadOnlyList<EntropyRegion> Regions) Finish()
    {
        if (inBlock >= MinTailBlock)
            CloseBlock();
        CloseRegion(end: length);
        for (var i = 0; i < 256; i++)
            total[i] += block[i];
        length += inBlock;
        return (Math.Round(Entropy(total, length), 3), regions);
    }

    private static double Entropy<T>(T[] counts, long count) where T : System.Numerics.INumberBase<T>
    {
        if (count == 0)
            return 0;
        double entropy = 0;
        foreach (var c in counts)
        {
            if (T.IsZero(c))
                continue;
            var p = double.CreateTruncating(c) / count;
            entropy -= p * Math.Log2(p);
        }
        return entropy;
    }
}
