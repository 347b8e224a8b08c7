using System.Globalization;

namespace Cucos.Workers.BinaryData;

/// <summary>
/// The zlib stream and the Adobe Flash SWF file (SWF File Format Specification 19): "FWS" uncompressed, "CWS" with a
/// zlib body, "ZWS" with an LZMA body. Each SWF header is a version byte and the uncompressed file length; the movie
/// header after it (stage rectangle, frame rate, frame count) is checked wherever its bytes can be read.
/// </summary>
public static partial class HeaderChecks
{
    /// <summary>Flash Player and AIR had reached SWF version 51 by their end; a higher byte is no SWF.</summary>
    private const int MaxSwfVersion = 64;
    /// <summary>The highest tag code the specification defines is 94 (PlaceObject4); a movie's first tag is below 100.</summary>
    private const int MaxTagCode = 99;
    /// <summary>A zlib body came with SWF 6 and an LZMA body with SWF 13.</summary>
    private const int FirstZlibVersion = 6, FirstLzmaVersion = 13;

    private static string? Zlib(ReadOnlySpan<byte> h, long remaining) => ZlibProbe.Probe(h, remaining)?.Describe();

    private static string SwfPrefix(byte version, uint length) =>
        string.Create(CultureInfo.InvariantCulture, $"Version {version}, File size (header included) {length}");

    private static string? SwfUncompressed(ReadOnlySpan<byte> h, long remaining)
    {
        var (version, length) = (h[3], U32(h, 4));
        if (version is 0 or > MaxSwfVersion || length > remaining || length < 8 + 7)
            return null;
        var inWindow = (int)Math.Min(h.Length, length);
        if (MovieHeader(h[8..inWindow]) is not { } movie)
            return null;
        // The tag list ends with an End tag (code 0, length 0), checked where the whole file is in the window.
        if (length <= h.Length && (h[(int)length - 2] | h[(int)length - 1]) != 0)
            return null;
        return $"{SwfPrefix(version, length)}, {movie}";
    }

    private static string? SwfZlib(ReadOnlySpan<byte> h, long remaining)
    {
        var (version, length) = (h[3], U32(h, 4));
        if (version is < FirstZlibVersion or > MaxSwfVersion || length < 8 + 7)
            return null;
        if (ZlibProbe.Probe(h[8..], remaining - 8, keepStart: 64) is not { } body)
            return null;
        // The header's length counts the inflated file: the body must inflate to exactly the rest of it.
        if (body.Complete ? 8 + body.Inflated != length : 8 + body.Inflated > length)
            return null;
        if (MovieHeader(body.Start) is not { } movie)
            return null;
        return $"{SwfPrefix(version, length)}, {movie}, body: zlib {body.Describe()}";
    }

    private static string? SwfLzma(ReadOnlySpan<byte> h, long remaining)
    {
        var (version, length, packed) = (h[3], U32(h, 4), U32(h, 8));
        var (properties, dictionary) = (h[12], U32(h, 13));
        // LZMA properties pack lc (0-8), lp (0-4) and pb (0-4) as (pb * 5 + lp) * 9 + lc; the range coder's first byte
        // is always 0; encoders use dictionaries of 4 KiB and up. The body (no LZMA decoder here) is not inflated.
        if (version is < FirstLzmaVersion or > MaxSwfVersion || length < 8 + 7 || properties >= 9 * 5 * 5 || h[17] != 0
            || dictionary < 4096 || packed < 5 || 17L + packed > remaining)
            return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{SwfPrefix(version, length)}, compressed size: {packed}, LZMA properties: 0x{properties:X2}, dictionary size: {dictionary} bytes");
    }

    /// <summary>The stage rectangle (in twips, 20 a pixel), frame rate and frame count after the SWF header, or null.</summary>
    private static string? MovieHeader(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty)
            return null;
        var bits = s[0] >> 3;
        var rectBytes = (5 + 4 * bits + 7) / 8;
        if (bits == 0 || s.Length < rectBytes + 4)
            return null;
        var (xMin, xMax, yMin, yMax) = (SignedBits(s, 5, bits), SignedBits(s, 5 + bits, bits), SignedBits(s, 5 + 2 * bits, bits), SignedBits(s, 5 + 3 * bits, bits));
        // A stage of no area is no movie.
        if (xMax <= xMin || yMax <= yMin)
            return null;
        var frameRate = s[rectBytes + 1] + s[rectBytes] / 256.0; // 8.8 fixed point, little-endian
        var frames = U16(s, rectBytes + 2);
        if (s.Length >= rectBytes + 6 && U16(s, rectBytes + 4) >> 6 > MaxTagCode)
            return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"frame size: {(xMax - xMin) / 20.0:0.##} x {(yMax - yMin) / 20.0:0.##} pixels, frame rate: {frameRate:0.##}, frame count: {frames}");
    }

    /// <summary>A two's-complement field of <paramref name="count"/> bits starting at bit <paramref name="position"/>, most significant bit first.</summary>
    private static int SignedBits(ReadOnlySpan<byte> s, int position, int count)
    {
        var value = 0;
        for (var i = 0; i < count; i++, position++)
            value = (value << 1) | ((s[position >> 3] >> (7 - (position & 7))) & 1);
        return value << (32 - count) >> (32 - count);
    }
}
