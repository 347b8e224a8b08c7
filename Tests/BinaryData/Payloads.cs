using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Cucos.Tests.BinaryData;

/// <summary>
/// Embeddable content for the signature scan, each built by its format's rules (or by .NET's own writers), and
/// near-misses: the same bytes with one header field broken, which a careful scanner must not report.
/// </summary>
public static class Payloads
{
    public static byte[] Zip()
    {
        var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        using (var entry = zip.CreateEntry("hello.txt").Open())
            entry.Write(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("hello zip ", 20))));
        return memory.ToArray();
    }

    public static byte[] Gzip()
    {
        var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("hello gzip ", 50))));
        return memory.ToArray();
    }

    /// <summary>A bzip2 stream of empty input: the header, block size 9, and the end-of-stream marker with its CRC.</summary>
    public static byte[] Bzip2() => Convert.FromHexString("425a683917724538509000000000");

    /// <summary>What <c>xz</c> writes for empty input (stream header with CRC-64 check, index, footer).</summary>
    public static byte[] Xz() => Convert.FromHexString("fd377a585a000004e6d6b446000000001cdf44211fb6f37d010000000004595a");

    /// <summary>A 7z signature header whose next header (6 bytes) follows; the start header carries its CRC.</summary>
    public static byte[] SevenZip()
    {
        var bytes = new byte[32 + 6];
        Encoding.Latin1.GetBytes("7z\xBC\xAF\x27\x1C").CopyTo(bytes, 0);
        bytes[7] = 4;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(12), 0);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(20), 6);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(28), Crc32.HashToUInt32(bytes.AsSpan(32, 6)));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), Crc32.HashToUInt32(bytes.AsSpan(12, 20)));
        return bytes;
    }

    public static byte[] Tar()
    {
        var memory = new MemoryStream();
        using (var writer = new TarWriter(memory, TarEntryFormat.Ustar, leaveOpen: true))
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "docs/readme.txt") { DataStream = new MemoryStream(Encoding.ASCII.GetBytes("tar content\n")) });
        return memory.ToArray();
    }

    /// <summary>An ELF64 little-endian x86-64 executable header.</summary>
    public static byte[] Elf()
    {
        var bytes = new byte[64];
        "\x7F"u8.CopyTo(bytes);
        "ELF"u8.CopyTo(bytes.AsSpan(1));
        (bytes[4], bytes[5], bytes[6]) = (2, 1, 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(16), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(18), 62);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(52), 64);
        return bytes;
    }

    /// <summary>A DOS stub pointing at a PE32+ header for x86-64, a DLL.</summary>
    public static byte[] Pe()
    {
        var bytes = new byte[0x80 + 24 + 240];
        "MZ"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x3C), 0x80);
        "PE\0\0"u8.CopyTo(bytes.AsSpan(0x80));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x84), 0x8664);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x80 + 22), 0x2022);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x80 + 24), 0x20B);
        return bytes;
    }

    /// <summary>A 64-bit little-endian Mach-O ARM64 executable header with 3 load commands.</summary>
    public static byte[] MachO()
    {
        var bytes = new byte[32 + 96];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 0xFEEDFACF);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 0x0100000C);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), 3);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), 96);
        return bytes;
    }

    /// <summary>A Java 17 class file start: magic, version 61.0, a constant pool of 20.</summary>
    public static byte[] JavaClass() => [.. Convert.FromHexString("cafebabe0000003d0014"), .. new byte[40]];

    public static byte[] Wasm() => Convert.FromHexString("0061736d01000000010401600000030201000a040102000b");

    /// <summary>An RGBA PNG: signature, IHDR with its CRC, IDAT, IEND.</summary>
    public static byte[] Png(uint width = 640, uint height = 480)
    {
        var png = new List<byte>(Convert.FromHexString("89504e470d0a1a0a"));
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        (ihdr[8], ihdr[9]) = (8, 6);
        AddChunk(png, "IHDR", ihdr);
        AddChunk(png, "IDAT", [0x78, 0x9C, 0x63, 0, 0, 0, 1, 0, 1]);
        AddChunk(png, "IEND", []);
        return [.. png];
    }

    private static void AddChunk(List<byte> png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        byte[] typed = [.. Encoding.ASCII.GetBytes(type), .. data];
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.HashToUInt32(typed));
        png.AddRange([.. length, .. typed, .. crc]);
    }

    public static byte[] Jpeg() => [.. Convert.FromHexString("ffd8ffe000104a46494600010100000100010000"), .. new byte[64], 0xFF, 0xD9];

    public static byte[] Gif() => [.. Encoding.ASCII.GetBytes("GIF89a"), 0x20, 0x03, 0x58, 0x02, 0x00, 0x00, 0x00, (byte)',', .. new byte[20], (byte)';'];

    public static byte[] Pdf() => Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    private static readonly Lazy<X509Certificate2> Certificate = new(() =>
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=cucos test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(30));
    });

    public static byte[] DerCertificate() => Certificate.Value.RawData;

    public static byte[] PemCertificate() => Encoding.ASCII.GetBytes(Certificate.Value.ExportCertificatePem() + "\n");

    public static byte[] PemRsaPrivateKey()
    {
        using var key = RSA.Create(1024);
        return Encoding.ASCII.GetBytes(key.ExportRSAPrivateKeyPem() + "\n");
    }

    public static byte[] PemPkcs8PrivateKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    /// <summary>A one-page SQLite database header (page size 4096, the fixed payload fractions 64/32/32).</summary>
    public static byte[] Sqlite()
    {
        var bytes = new byte[4096];
        "SQLite format 3\0"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(16), 4096);
        (bytes[18], bytes[19], bytes[21], bytes[22], bytes[23]) = (1, 1, 64, 32, 32);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(28), 1);
        return bytes;
    }

    /// <summary>A U-Boot legacy image header (Linux kernel for ARM, gzip) with its header CRC, then the image.</summary>
    public static byte[] UImage()
    {
        var image = Gzip();
        var header = new byte[64];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x27051956);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), 1_700_000_000);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(12), (uint)image.Length);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(16), 0x80008000);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(20), 0x80008000);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(24), Crc32.HashToUInt32(image));
        (header[28], header[29], header[30], header[31]) = (5, 2, 2, 1);
        "Linux-6.1"u8.CopyTo(header.AsSpan(32));
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), Crc32.HashToUInt32(header));
        return [.. header, .. image];
    }

    /// <summary>A TRX v1 header for a 4 KiB image with partitions at 28, 1 KiB and 2 KiB.</summary>
    public static byte[] Trx()
    {
        var bytes = new byte[4096];
        "HDR0"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 4096);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), 28);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), 1024);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), 2048);
        return bytes;
    }

    /// <summary>A SquashFS 4.0 little-endian superblock (xz, 128 KiB blocks) of an 8 KiB image.</summary>
    public static byte[] Squashfs()
    {
        var bytes = new byte[8192];
        "hsqs"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 12);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 1_700_000_000);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), 131072);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(20), 4);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(22), 17);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(28), 4);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(40), 8192);
        return bytes;
    }

    /// <summary>Text that compresses well, for the zlib streams.</summary>
    public static byte[] ZlibText(int repeats = 50) => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("hello zlib ", repeats)));

    /// <summary>A zlib stream written by .NET's ZLibStream at one of its levels (header 78 01, 78 9C or 78 DA).</summary>
    public static byte[] Zlib(CompressionLevel level, byte[]? data = null)
    {
        var memory = new MemoryStream();
        using (var zlib = new ZLibStream(memory, level, leaveOpen: true))
            zlib.Write(data ?? ZlibText());
        return memory.ToArray();
    }

    /// <summary>A zlib stream at a zlib level 0-9 (levels 2 to 5 give the header 78 5E).</summary>
    public static byte[] Zlib(int zlibLevel, byte[]? data = null)
    {
        var memory = new MemoryStream();
        using (var zlib = new ZLibStream(memory, new ZLibCompressionOptions { CompressionLevel = zlibLevel }, leaveOpen: true))
            zlib.Write(data ?? ZlibText());
        return memory.ToArray();
    }

    /// <summary>
    /// An SWF movie after its 8-byte file header (SWF File Format Specification 19): a 550 x 400 pixel stage as a RECT of
    /// 15-bit fields in twips, 24.0 frames a second (8.8 fixed point), 1 frame, then SetBackgroundColor, ShowFrame and End tags.
    /// </summary>
    public static byte[] SwfMovie()
    {
        var bits = new List<bool>();
        void Field(int value, int width)
        {
            for (var i = width - 1; i >= 0; i--)
                bits.Add(((value >> i) & 1) != 0);
        }
        Field(15, 5);
        foreach (var twips in new[] { 0, 550 * 20, 0, 400 * 20 })
            Field(twips, 15);
        var rect = new byte[(bits.Count + 7) / 8];
        for (var i = 0; i < bits.Count; i++)
            if (bits[i])
                rect[i / 8] |= (byte)(0x80 >> (i % 8));
        byte[] tags = [0x43, 0x02, 0xFF, 0xFF, 0xFF, 0x40, 0x00, 0x00, 0x00];
        return [.. rect, 0x00, 24, 1, 0, .. tags];
    }

    private static byte[] SwfHeader(string signature, byte version, int movieLength)
    {
        var header = new byte[8];
        Encoding.ASCII.GetBytes(signature).CopyTo(header, 0);
        header[3] = version;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)(8 + movieLength));
        return header;
    }

    /// <summary>An uncompressed SWF ("FWS").</summary>
    public static byte[] SwfUncompressed(byte version = 10) => [.. SwfHeader("FWS", version, SwfMovie().Length), .. SwfMovie()];

    /// <summary>A zlib-compressed SWF ("CWS"): the header, then the movie as a zlib stream.</summary>
    public static byte[] SwfZlib(byte version = 10) => [.. SwfHeader("CWS", version, SwfMovie().Length), .. Zlib(CompressionLevel.Optimal, SwfMovie())];

    /// <summary>
    /// An LZMA-compressed SWF ("ZWS", SWF 13 on): the header, the LZMA data's length, the 5 LZMA properties bytes
    /// (lc=3 lp=0 pb=2, a 64 KiB dictionary) and the data. .NET has no LZMA encoder and the worker decodes no LZMA,
    /// so the data is 24 bytes that start as every LZMA range-coded stream does, with a 0.
    /// </summary>
    public static byte[] SwfLzma(byte version = 13)
    {
        var data = new byte[24];
        new Random(23).NextBytes(data.AsSpan(1));
        var fields = new byte[9];
        BinaryPrimitives.WriteUInt32LittleEndian(fields, (uint)data.Length);
        fields[4] = 0x5D;
        BinaryPrimitives.WriteUInt32LittleEndian(fields.AsSpan(5), 1 << 16);
        return [.. SwfHeader("ZWS", version, SwfMovie().Length), .. fields, .. data];
    }

    /// <summary>A copy of <paramref name="payload"/> with one change.</summary>
    public static byte[] Broken(byte[] payload, Action<byte[]> breakIt)
    {
        var copy = (byte[])payload.Clone();
        breakIt(copy);
        return copy;
    }
}
