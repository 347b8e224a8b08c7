using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Cucos.Cli;
using Cucos.Tests.Support;
using Cucos.Workers.BinaryData;

namespace Cucos.Tests.BinaryData;

/// <summary>The binary_data worker on files built here with payloads at known offsets, and near-misses at others.</summary>
[Trait("Category", "Unit")]
public sealed class BinaryDataTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-binary");

    public void Dispose() => work.Dispose();

    /// <summary>Low-entropy filler that holds no signature.</summary>
    private static byte[] Filler(int length, int seed)
    {
        var words = new[] { "lorem", "ipsum", "dolor", "sit", "amet", "firmware", "block", "data", "and" };
        var random = new Random(seed);
        var text = new StringBuilder();
        while (text.Length < length)
            text.Append(words[random.Next(words.Length)]).Append(random.Next(8) == 0 ? '\n' : ' ');
        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    /// <summary>A file of filler with each payload written at a fixed offset; returns the file's bytes.</summary>
    private static byte[] Compose(int length, IEnumerable<(int Offset, byte[] Payload)> placements)
    {
        var bytes = Filler(length, 5);
        foreach (var (offset, payload) in placements)
            payload.CopyTo(bytes, offset);
        return bytes;
    }

    /// <summary>Every payload, where it goes in the firmware-like test file, and the hits it must produce there.</summary>
    private static readonly Lazy<(int Offset, byte[] Payload, (int At, string Type)[] Hits)[]> Placements = new(() =>
    {
        var zip = Payloads.Zip();
        var uimage = Payloads.UImage();
        (int, byte[], (int, string)[]) One(int offset, byte[] payload, string type) => (offset, payload, [(0, type)]);
        return
        [
            (0, uimage, [(0, "uimage"), (64, "gzip")]),
            One(0x0800, Payloads.Trx(), "trx"),
            One(0x2000, Payloads.Squashfs(), "squashfs"),
            (0x5000, zip, [(0, "zip"), (zip.Length - 22, "zip-end")]),
            One(0x6003, Payloads.Gzip(), "gzip"),
            One(0x6801, Payloads.Bzip2(), "bzip2"),
            One(0x6a00, Payloads.Xz(), "xz"),
            One(0x6b11, Payloads.SevenZip(), "7z"),
            One(0x7000, Payloads.Tar(), "tar"),
            One(0x8001, Payloads.Elf(), "elf"),
            One(0x8400, Payloads.Pe(), "pe"),
            One(0x8803, Payloads.MachO(), "mach-o"),
            One(0x8a00, Payloads.JavaClass(), "java-class"),
            One(0x8b07, Payloads.Wasm(), "wasm"),
            // binwalk reports the zlib stream of a PNG's IDAT too, and so does binary_data: it is one.
            (0x9000, Payloads.Png(), [(0, "png"), (41, "zlib")]),
            One(0x9200, Payloads.Jpeg(), "jpeg"),
            One(0x9400, Payloads.Gif(), "gif"),
            One(0x9600, Payloads.Pdf(), "pdf"),
            One(0x9701, Payloads.Zlib(CompressionLevel.SmallestSize), "zlib"),
            One(0x9780, Payloads.SwfUncompressed(), "swf"),
            (0x9803, Payloads.SwfZlib(), [(0, "swf"), (8, "zlib")]),
            One(0x9880, Payloads.SwfLzma(), "swf"),
            One(0xA000, Payloads.DerCertificate(), "der-certificate"),
            One(0xB000, Payloads.PemCertificate(), "pem-certificate"),
            One(0xC000, Payloads.PemRsaPrivateKey(), "pem-private-key"),
            One(0xD000, Payloads.PemPkcs8PrivateKey(), "pem-private-key"),
            One(0xE000, Payloads.Sqlite(), "sqlite"),
        ];
    });

    private static byte[] FirmwareImage() => Compose(0x10000, Placements.Value.Select(p => (p.Offset, p.Payload)));

    private static List<(long, string)> ExpectedHits() =>
        Placements.Value.SelectMany(p => p.Hits.Select(h => ((long)p.Offset + h.At, h.Type))).OrderBy(h => h.Item1).ToList();

    [Fact]
    public async Task Every_payload_is_found_at_its_offset_and_nothing_else()
    {
        var path = work.WriteFile("firmware.bin", FirmwareImage());

        var report = await new SignatureScanner(SignatureSet.Default).ScanAsync(path, "firmware.bin", CancellationToken.None);

        Assert.Equal(ExpectedHits(), report.Hits.Select(h => (h.Offset, h.Type)).ToList());
        string Described(string type) => report.Hits.First(h => h.Type == type).Description;
        Assert.Matches(@"^Zip archive data, at least v2\.0 to extract, compressed size: \d+, uncompressed size: 200, name: hello\.txt$", Described("zip"));
        Assert.Contains("ELF, 64-bit LSB executable, x86-64", Described("elf"));
        Assert.Equal("Microsoft executable, portable (PE), PE32+ DLL, x86-64", Described("pe"));
        Assert.Equal("Mach-O 64-bit little-endian, ARM64 executable, 3 load commands", Described("mach-o"));
        Assert.Equal("Compiled Java class data, version 61.0 (Java 17)", Described("java-class"));
        Assert.Equal("PNG image, 640 x 480, 8-bit/color RGBA, non-interlaced", Described("png"));
        Assert.Equal("GIF image data, version 89a, 800 x 600", Described("gif"));
        Assert.Equal("PDF document, version 1.7", Described("pdf"));
        Assert.Equal("JPEG image data, JFIF standard 1.01", Described("jpeg"));
        Assert.Contains("POSIX tar archive, POSIX format, file name: docs/readme.txt, file size: 12 bytes", Described("tar"));
        Assert.StartsWith("Certificate in DER format (x509), x509 v3, header length: 4, sequence length: ", Described("der-certificate"));
        Assert.Equal("SQLite 3.x database, page size: 4096, 1 pages", Described("sqlite"));
        Assert.Contains("OS: Linux, CPU: ARM, image type: OS Kernel Image, compression type: gzip, image name: \"Linux-6.1\"", Described("uimage"));
        Assert.Contains("version 4.0, compression: xz, size: 8192 bytes, 12 inodes, blocksize: 131072 bytes", Described("squashfs"));
        Assert.Equal("xz compressed data, check: CRC64", Described("xz"));
        Assert.Equal("bzip2 compressed data, block size = 900k", Described("bzip2"));
        string At(int offset) => report.Hits.Single(h => h.Offset == offset).Description;
        Assert.Equal("Zlib compressed data, default compression, compressed size: 9, uncompressed size: 1", At(0x9000 + 41));
        Assert.Matches(@"^Zlib compressed data, best compression, compressed size: \d+, uncompressed size: 550$", At(0x9701));
        Assert.Equal($"Uncompressed Adobe Flash SWF file, Version 10, File size (header included) {8 + Payloads.SwfMovie().Length}, frame size: 550 x 400 pixels, frame rate: 24, frame count: 1", At(0x9780));
        Assert.Matches(@"^Zlib-compressed Adobe Flash SWF file, Version 10, File size \(header included\) 30, frame size: 550 x 400 pixels, frame rate: 24, frame count: 1, body: zlib default compression, compressed size: \d+, uncompressed size: 22$", At(0x9803));
        Assert.Equal("LZMA-compressed Adobe Flash SWF file, Version 13, File size (header included) 30, compressed size: 24, LZMA properties: 0x5D, dictionary size: 65536 bytes", At(0x9880));
        Assert.Equal(["PEM RSA private key", "PEM private key (PKCS#8)"], report.Hits.Where(h => h.Type == "pem-private-key").Select(h => h.Description));
    }

    [Theory]
    [InlineData(313)]
    [InlineData(1000)]
    [InlineData(4096)]
    [InlineData(5003)]
    public async Task Payloads_straddling_chunk_boundaries_are_still_found(int chunkSize)
    {
        var path = work.WriteFile("firmware.bin", FirmwareImage());

        var report = await new SignatureScanner(SignatureSet.Default, chunkSize).ScanAsync(path, "firmware.bin", CancellationToken.None);

        Assert.Equal(ExpectedHits(), report.Hits.Select(h => (h.Offset, h.Type)).ToList());
    }

    /// <summary>Each payload with one header field broken: the magic is there, the structure is not.</summary>
    public static TheoryData<string, byte[]> NearMisses() => new()
    {
        { "zip with an unknown compression method", Payloads.Broken(Payloads.Zip()[..60], b => b[8] = 77) },
        { "gzip with reserved flag bits", Payloads.Broken(Payloads.Gzip(), b => b[3] |= 0xE0) },
        { "bzip2 without a block magic", Payloads.Broken(Payloads.Bzip2(), b => b[5] ^= 0x10) },
        { "xz with a wrong header CRC", Payloads.Broken(Payloads.Xz(), b => b[8] ^= 1) },
        { "7z with a wrong start-header CRC", Payloads.Broken(Payloads.SevenZip(), b => b[9] ^= 1) },
        { "tar with a wrong checksum", Payloads.Broken(Payloads.Tar(), b => b[150] = (byte)(b[150] == '7' ? '6' : '7')) },
        { "ELF of an unknown class", Payloads.Broken(Payloads.Elf(), b => b[4] = 9) },
        { "MZ without a PE header", Payloads.Broken(Payloads.Pe(), b => b[0x81] = (byte)'X') },
        { "Mach-O of an unknown CPU", Payloads.Broken(Payloads.MachO(), b => b[4] = 99) },
        { "CAFEBABE of no Java version", Payloads.Broken(Payloads.JavaClass(), b => b[7] = 3) },
        { "wasm with an unknown section", Payloads.Broken(Payloads.Wasm(), b => b[8] = 0x55) },
        { "PNG with a wrong IHDR CRC", Payloads.Broken(Payloads.Png(), b => b[30] ^= 1) },
        { "JPEG start without JFIF", Payloads.Broken(Payloads.Jpeg(), b => b[7] = (byte)'X') },
        { "GIF of zero width", Payloads.Broken(Payloads.Gif(), b => (b[6], b[7]) = (0, 0)) },
        { "%PDF- without a version", Payloads.Broken(Payloads.Pdf(), b => b[6] = (byte)'x') },
        { "PEM line without base64", Encoding.ASCII.GetBytes("-----BEGIN CERTIFICATE-----\nnot base64 at all, see?\n") },
        { "DER sequence without a certificate version", Payloads.Broken(Payloads.DerCertificate(), b => b[8] = 0xA1) },
        { "SQLite with a page size of 1000", Payloads.Broken(Payloads.Sqlite(), b => BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(16), 1000)) },
        { "uImage with a wrong header CRC", Payloads.Broken(Payloads.UImage()[..64], b => b[5] ^= 1) },
        { "zlib stream with a wrong Adler-32", Payloads.Broken(Payloads.Zlib(CompressionLevel.Optimal), b => b[^1] ^= 1) },
        { "zlib stream with a corrupted body", Payloads.Broken(Payloads.Zlib(CompressionLevel.Optimal), b => b[5] ^= 0x55) },
        { "zlib stream cut in half", Payloads.Zlib(CompressionLevel.Optimal)[..12] },
        { "zlib header of reserved block type 3", Payloads.Broken(Payloads.Zlib(CompressionLevel.Optimal), b => b[2] |= 0x06) },
        { "FWS of version 0", Payloads.Broken(Payloads.SwfUncompressed(), b => b[3] = 0) },
        { "FWS longer than the file", Payloads.Broken(Payloads.SwfUncompressed(), b => b[6] = 1) },
        { "FWS whose stage has no width", Payloads.Broken(Payloads.SwfUncompressed(), b => b[8] = 0) },
        { "FWS without its End tag", Payloads.Broken(Payloads.SwfUncompressed(), b => b[^1] = 7) },
        { "CWS whose length disagrees with its body", Payloads.Broken(Payloads.SwfZlib(), b => b[4] += 1) },
        { "CWS of version 5", Payloads.Broken(Payloads.SwfZlib(), b => b[3] = 5) },
        { "ZWS of version 12", Payloads.Broken(Payloads.SwfLzma(), b => b[3] = 12) },
        { "ZWS with LZMA properties 225", Payloads.Broken(Payloads.SwfLzma(), b => b[12] = 225) },
        { "ZWS whose LZMA data does not start with 0", Payloads.Broken(Payloads.SwfLzma(), b => b[17] = 1) },
        { "TRX of version 7", Payloads.Broken(Payloads.Trx(), b => b[14] = 7) },
        { "SquashFS whose block log disagrees", Payloads.Broken(Payloads.Squashfs(), b => b[22] = 16) },
    };

    [Theory]
    [MemberData(nameof(NearMisses))]
    public async Task Near_misses_are_not_reported(string what, byte[] nearMiss)
    {
        var path = work.WriteFile("near-miss.bin", Compose(0x4000, [(0x1001, nearMiss)]));

        var report = await new SignatureScanner(SignatureSet.Default).ScanAsync(path, "near-miss.bin", CancellationToken.None);

        // A broken PNG or CWS still holds a real zlib stream (the IDAT data, the body after the 8-byte header): that hit is right.
        long? nestedZlib = what.StartsWith("PNG", StringComparison.Ordinal) ? 0x1001 + 41 : what.StartsWith("CWS", StringComparison.Ordinal) ? 0x1001 + 8 : null;
        var hits = report.Hits.Where(h => !(h.Type == "zlib" && h.Offset == nestedZlib)).ToList();
        Assert.True(hits.Count == 0, $"{what}: reported {string.Join("; ", hits.Select(h => $"{h.Offset}: {h.Description}"))}");
    }

    [Fact]
    public async Task A_payload_cut_off_by_the_end_of_the_file_is_not_reported()
    {
        var path = work.WriteFile("cut.bin", [.. Filler(1000, 6), .. Payloads.Png()[..20]]);
        var report = await new SignatureScanner(SignatureSet.Default).ScanAsync(path, "cut.bin", CancellationToken.None);
        Assert.Empty(report.Hits);
    }

    [Fact]
    public async Task Entropy_is_measured_per_file_and_high_entropy_regions_are_flagged()
    {
        var random = new byte[256 * 1024];
        new Random(8).NextBytes(random);
        byte[] mixed = [.. Filler(64 * 1024, 9), .. random, .. Filler(64 * 1024, 10)];
        work.WriteFile("mixed.bin", mixed);
        work.WriteFile("zeros.bin", new byte[100_000]);
        work.WriteFile("empty.bin", []);

        var reports = (await BinaryDataTask.ScanTreeAsync(work.Path, SignatureSet.Default, CancellationToken.None)).ToDictionary(r => r.Path);

        var region = Assert.Single(reports["mixed.bin"].HighEntropyRegions);
        Assert.Equal((64 * 1024L, 256 * 1024L), (region.Offset, region.Length));
        Assert.InRange(region.Entropy, 7.9, 8.0);
        Assert.Equal(Math.Round(ShannonEntropy(mixed), 3), reports["mixed.bin"].Entropy);
        Assert.Equal((0.0, 0), (reports["zeros.bin"].Entropy, reports["zeros.bin"].HighEntropyRegions.Count));
        Assert.Equal((0.0, 0L), (reports["empty.bin"].Entropy, reports["empty.bin"].Size));
    }

    /// <summary>Entropy computed here in one shot, independently of the streaming meter.</summary>
    private static double ShannonEntropy(byte[] data) =>
        -data.GroupBy(b => b).Select(g => (double)g.Count() / data.Length).Sum(p => p * Math.Log2(p));

    [Fact]
    public async Task Worker_prints_a_document_that_matches_its_schema()
    {
        work.WriteFile("pkg/firmware.bin", FirmwareImage());
        work.WriteFile("pkg/lib/app.jar", Payloads.Zip());
        work.WriteFile("pkg/README", Filler(3000, 11));
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        var exit = await CucosCli.RunAsync(["worker", "binary_data", work.Combine("pkg")], stdout, stderr);

        Assert.True(exit == 0, stderr.ToString());
        using var document = JsonDocument.Parse(stdout.ToString());
        ResultSchemas.AssertValid("binary_data", document.RootElement);
        var summary = document.RootElement.GetProperty("summary");
        Assert.Equal(3, summary.GetProperty("files").GetInt32());
        Assert.Equal(ExpectedHits().Count + 2, summary.GetProperty("hits").GetInt32());
        Assert.Equal(2, summary.GetProperty("files_with_hits").GetInt32());
        var files = document.RootElement.GetProperty("details").GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()).ToList();
        Assert.Equal(["README", "firmware.bin", "lib/app.jar"], files);
    }
}
