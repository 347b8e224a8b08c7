using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace Cucos.Workers.BinaryData;

/// <summary>What inflating the start of a zlib stream showed.</summary>
/// <param name="Level">FLEVEL of the header's FLG byte, 0 (fastest) to 3 (best).</param>
/// <param name="Complete">The stream ended inside the window and its Adler-32 trailer matched.</param>
/// <param name="CompressedSize">Bytes from the header to the end of the trailer when complete; else the window's length.</param>
/// <param name="Inflated">Bytes the window inflated to (the whole stream's size when complete).</param>
/// <param name="Capped">Inflating stopped at <see cref="ZlibProbe.MaxInflated"/> bytes of output.</param>
/// <param name="Start">The first inflated bytes, as many as were asked for.</param>
public sealed record ZlibProbeResult(int Level, bool Complete, long CompressedSize, long Inflated, bool Capped, byte[] Start)
{
    private static readonly string[] Levels = ["fastest compression", "fast compression", "default compression", "best compression"];

    /// <summary>binwalk's level words ("default compression", "best compression"), then the sizes the probe saw.</summary>
    public string Describe() => Complete
        ? string.Create(CultureInfo.InvariantCulture, $"{Levels[Level]}, compressed size: {CompressedSize}, uncompressed size: {Inflated}")
        : Capped
            ? string.Create(CultureInfo.InvariantCulture, $"{Levels[Level]}, uncompressed size: more than {Inflated} (inflated no further)")
            : string.Create(CultureInfo.InvariantCulture, $"{Levels[Level]}, compressed size: more than {CompressedSize}, uncompressed size: at least {Inflated}");
}

/// <summary>
/// Confirms a zlib stream (RFC 1950) by its two-byte header and by inflating its start: a header-shaped byte pair
/// turns up about once a kilobyte in random data, and only a real stream inflates. Work is bounded per candidate:
/// at most the window it is given (64 KiB, <see cref="SignatureSet.MaxHeaderLength"/>) is read and at most
/// <see cref="MaxInflated"/> bytes are produced, so a decompression bomb costs no more than a real stream.
/// </summary>
public static class ZlibProbe
{
    public const int MaxInflated = 256 * 1024;

    /// <summary>Random bytes after a header-shaped pair fail to inflate within a few bytes: this much is tried first, to spare copying the whole window.</summary>
    private const int FirstTry = 512;

    /// <summary>
    /// The probe of the stream at the start of <paramref name="window"/>, or null when it is no zlib stream: a bad
    /// header, a preset dictionary (FDICT: the stream cannot be inflated without it), an inflate error, a wrong
    /// Adler-32, or a stream cut off by the end of the file (<paramref name="remaining"/> bytes from the header on).
    /// A stream still going when the window ends is accepted: the window inflated without error.
    /// </summary>
    public static ZlibProbeResult? Probe(ReadOnlySpan<byte> window, long remaining, int keepStart = 0)
    {
        if (window.Length < 3)
            return null;
        var (cmf, flg) = (window[0], window[1]);
        if ((cmf & 0x0F) != 8 || cmf >> 4 > 7 || ((cmf << 8) | flg) % 31 != 0 || (flg & 0x20) != 0)
            return null;
        if (!FirstBlockCanInflate(window[2..]))
            return null;
        var level = flg >> 6;
        var trial = window.Length > FirstTry ? window[..FirstTry] : window;
        var outcome = Inflate(trial, keepStart);
        if (outcome is null)
            return null;
        var end = outcome.Value.Capped ? -1 : TrailerEnd(trial, outcome.Value.Adler);
        if (end < 0 && !outcome.Value.Capped && trial.Length < window.Length)
        {
            outcome = Inflate(window, keepStart);
            if (outcome is null)
                return null;
            end = outcome.Value.Capped ? -1 : TrailerEnd(window, outcome.Value.Adler);
        }
        var (inflated, capped, _, start) = outcome.Value;
        if (end > 0)
            return new ZlibProbeResult(level, true, end, inflated, false, start);
        if (capped || window.Length < remaining)
            return new ZlibProbeResult(level, false, window.Length, inflated, capped, start);
        return null; // the file ends inside the stream: truncated, like any payload cut off by the end of the file
    }

    /// <summary>
    /// Checks of the first deflate block (RFC 1951) that the inflater would fail, made without it: a header-shaped
    /// pair is frequent in executables and compressed data, and each inflater that fails costs an exception. False
    /// for block type 3 (reserved), a stored block whose LEN and NLEN disagree, a fixed-code block starting with a
    /// back reference (there is nothing yet to refer to), and a dynamic block with too many codes or a code-length
    /// code that is not a complete prefix code. Too few bytes to tell: true, the inflater decides.
    /// </summary>
    private static bool FirstBlockCanInflate(ReadOnlySpan<byte> deflate)
    {
        if (deflate.Length < 5)
            return true;
        var bits = new BitReader(deflate);
        bits.Read(1); // BFINAL
        switch (bits.Read(2))
        {
            case 0:
                // Stored: LEN and NLEN (its one's complement) start at the next byte.
                return (ushort)(deflate[1] | (deflate[2] << 8)) == (ushort)~(deflate[3] | (deflate[4] << 8));
            case 1:
                // Fixed codes, read most significant bit first: 7-bit codes 0-23 are symbols 256-279 (0 is end of
                // block, the rest lengths), 8-bit codes 192-199 are 280-287 (lengths, or invalid).
                var code = 0;
                for (var i = 0; i < 7; i++)
                    code = (code << 1) | bits.Read(1);
                if (code <= 23)
                    return code == 0;
                code = (code << 1) | bits.Read(1);
                return code is < 192 or > 199;
            case 2:
                if (deflate.Length < 10)
                    return true;
                var literalCodes = bits.Read(5) + 257;
                var distanceCodes = bits.Read(5) + 1;
                var codeLengthCodes = bits.Read(4) + 4;
                if (literalCodes > 286 || distanceCodes > 30)
                    return false;
                Span<int> perLength = stackalloc int[8];
                for (var i = 0; i < codeLengthCodes; i++)
                    perLength[bits.Read(3)]++;
                var left = 1; // Kraft: the code must use every code space exactly
                for (var length = 1; length <= 7; length++)
                {
                    left = (left << 1) - perLength[length];
                    if (left < 0)
                        return false;
                }
                return left == 0;
            default:
                return false;
        }
    }

    /// <summary>Deflate's bit order: least significant bit of each byte first; past the end reads zeros.</summary>
    private ref struct BitReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private int position;

        public int Read(int count)
        {
            var value = 0;
            for (var i = 0; i < count; i++, position++)
                if (position >> 3 < data.Length)
                    value |= ((data[position >> 3] >> (position & 7)) & 1) << i;
            return value;
        }
    }

    /// <summary>
    /// Where the Adler-32 trailer ends, or -1. The inflater checks a trailer it reaches but says nothing when the
    /// input stops short of one, so a complete stream is told from a truncated one by finding the trailer.
    /// </summary>
    private static int TrailerEnd(ReadOnlySpan<byte> input, uint adler)
    {
        Span<byte> trailer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(trailer, adler);
        var at = input[3..].IndexOf(trailer); // at least one byte of deflate data sits between header and trailer
        return at < 0 ? -1 : 3 + at + 4;
    }

    private static (long Inflated, bool Capped, uint Adler, byte[] Start)? Inflate(ReadOnlySpan<byte> input, int keepStart)
    {
        var copy = ArrayPool<byte>.Shared.Rent(input.Length);
        var output = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            input.CopyTo(copy);
            using var zlib = new ZLibStream(new MemoryStream(copy, 0, input.Length, writable: false), CompressionMode.Decompress);
            var start = new List<byte>(keepStart);
            var adler = new Adler32();
            long inflated = 0;
            int read;
            while (inflated < MaxInflated && (read = zlib.Read(output, 0, (int)Math.Min(output.Length, MaxInflated - inflated))) > 0)
            {
                var piece = output.AsSpan(0, read);
                adler.Append(piece);
                if (start.Count < keepStart)
                    start.AddRange(piece[..Math.Min(read, keepStart - start.Count)]);
                inflated += read;
            }
            return (inflated, inflated >= MaxInflated, adler.Value, [.. start]);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException)
        {
            return null; // not deflate data, a wrong checksum, or a preset dictionary the inflater asked for
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    /// <summary>Adler-32 (RFC 1950 section 8), which System.IO.Hashing does not have.</summary>
    private struct Adler32()
    {
        private const uint Modulus = 65521;
        /// <summary>The most bytes summed before the 32-bit sums could overflow (zlib's NMAX).</summary>
        private const int MaxRun = 5552;
        private uint a = 1, b;

        public readonly uint Value => (b << 16) | a;

        public void Append(ReadOnlySpan<byte> data)
        {
            while (!data.IsEmpty)
            {
                var run = data[..Math.Min(data.Length, MaxRun)];
                foreach (var x in run)
                {
                    a += x;
                    b += a;
                }
                a %= Modulus;
                b %= Modulus;
                data = data[run.Length..];
            }
        }
    }
}
