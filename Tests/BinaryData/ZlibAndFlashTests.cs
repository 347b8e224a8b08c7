using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Cucos.Tests.Support;
using Cucos.Workers.BinaryData;

namespace Cucos.Tests.BinaryData;

/// <summary>The zlib stream and Flash SWF signatures: real streams at every level are found, anything that only looks like one is not.</summary>
[Trait("Category", "Unit")]
public sealed class ZlibAndFlashTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-zlib");

    public void Dispose() => work.Dispose();

    private static byte[] Text(int length) => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("plain text filler, ", length / 19 + 1)))[..length];

    private async Task<BinaryFileReport> ScanAsync(byte[] bytes)
    {
        var path = work.WriteFile("scanned.bin", bytes);
        return await new SignatureScanner(SignatureSet.Default).ScanAsync(path, "scanned.bin", CancellationToken.None);
    }

    public static TheoryData<string, byte[], string> Levels() => new()
    {
        { "no compression", Payloads.Zlib(CompressionLevel.NoCompression), "fastest compression" },
        { "fastest", Payloads.Zlib(CompressionLevel.Fastest), "fastest compression" },
        { "zlib level 3", Payloads.Zlib(3), "fast compression" },
        { "optimal", Payloads.Zlib(CompressionLevel.Optimal), "default compression" },
        { "smallest size", Payloads.Zlib(CompressionLevel.SmallestSize), "best compression" },
    };

    [Theory]
    [MemberData(nameof(Levels))]
    public async Task A_zlib_stream_of_every_level_is_found_with_its_level_and_sizes(string what, byte[] stream, string level)
    {
        var report = await ScanAsync([.. Text(301), .. stream, .. Text(200)]);

        var hit = Assert.Single(report.Hits);
        Assert.Equal((301L, "zlib"), (hit.Offset, hit.Type));
        Assert.True($"Zlib compressed data, {level}, compressed size: {stream.Length}, uncompressed size: 550" == hit.Description, $"{what}: {hit.Description}");
    }

    [Fact]
    public async Task A_stream_with_a_window_smaller_than_32_KiB_is_found()
    {
        // .NET always writes CINFO 7 (a 32 KiB window); 550 bytes of text refer back less than 1 KiB, so CINFO 2 is true too.
        var stream = Payloads.Zlib(CompressionLevel.Optimal);
        stream[0] = 0x28;
        stream[1] = (byte)(stream[1] & 0xE0);
        stream[1] += (byte)(31 - (stream[0] * 256 + stream[1]) % 31);

        var report = await ScanAsync([.. Text(100), .. stream, .. Text(100)]);

        Assert.Equal([(100L, "zlib")], report.Hits.Select(h => (h.Offset, h.Type)));
    }

    [Fact]
    public async Task A_stream_longer_than_the_inflate_window_is_found_from_its_start()
    {
        var incompressible = new byte[200_000];
        new Random(4).NextBytes(incompressible);
        var stream = Payloads.Zlib(CompressionLevel.Optimal, incompressible);

        var report = await ScanAsync([.. Text(77), .. stream, .. Text(77)]);

        var hit = Assert.Single(report.Hits, h => h.Type == "zlib");
        Assert.Equal(77, hit.Offset);
        Assert.Matches(@"^Zlib compressed data, default compression, compressed size: more than 65536, uncompressed size: at least 6\d{4}$", hit.Description);
    }

    [Fact]
    public async Task A_decompression_bomb_is_inflated_only_up_to_the_cap()
    {
        var bomb = Payloads.Zlib(CompressionLevel.SmallestSize, new byte[32 << 20]);
        Assert.InRange(bomb.Length, 1, 64 * 1024); // all of it sits in the window: only the output cap stops it

        var report = await ScanAsync([.. Text(10), .. bomb, .. Text(10)]);

        var hit = Assert.Single(report.Hits);
        Assert.Equal($"Zlib compressed data, best compression, uncompressed size: more than {ZlibProbe.MaxInflated} (inflated no further)", hit.Description);
    }

    [Fact]
    public async Task A_stream_cut_off_by_the_end_of_the_file_is_not_reported()
    {
        var stream = Payloads.Zlib(CompressionLevel.Optimal);
        Assert.Empty((await ScanAsync([.. Text(500), .. stream[..^2]])).Hits);
        Assert.Empty((await ScanAsync([.. Text(500), .. stream[..(stream.Length / 2)]])).Hits);
        Assert.Single((await ScanAsync([.. Text(500), .. stream])).Hits);
    }

    [Fact]
    public void A_stream_that_needs_a_preset_dictionary_is_not_reported()
    {
        // FDICT set: a dictionary id follows the header, and without the dictionary the stream cannot be inflated.
        var stream = Payloads.Zlib(CompressionLevel.Optimal);
        byte flg = 0x80 | 0x20;
        flg += (byte)(31 - (0x78 * 256 + flg) % 31);
        byte[] withDictionary = [0x78, flg, 0x12, 0x34, 0x56, 0x78, .. stream[2..]];

        Assert.Null(ZlibProbe.Probe(withDictionary, withDictionary.Length));
        Assert.NotNull(ZlibProbe.Probe(stream, stream.Length));
    }

    [Fact]
    public async Task Zlib_header_pairs_in_random_data_and_in_text_are_not_reported()
    {
        // Every zlib header the signatures list, planted every 509 bytes of random data: only inflating tells them apart.
        var headers = SignatureSet.Default.All.Where(s => s.Name == "zlib").Select(s => s.Magic).ToArray();
        Assert.Equal(32, headers.Length);
        var random = new byte[512 * 1024];
        new Random(12).NextBytes(random);
        for (var (at, i) = (0, 0); at + 2 < random.Length; at += 509, i++)
            headers[i % headers.Length].CopyTo(random, at);
        // "x^" is the header 78 5E: in text it is an exponent.
        var math = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("let y = x^2 + 3x^3 - x^5; z = (x^2)^4 hash x^(xor) ", 2000)));

        var report = await ScanAsync([.. random, .. math]);

        var wrong = report.Hits.Where(h => h.Type is "zlib" or "swf").ToList();
        Assert.True(wrong.Count == 0, string.Join("; ", wrong.Select(h => $"{h.Offset}: {h.Description}")));
    }

    /// <summary>binwalk's lines "DECIMAL  0xHEX  DESCRIPTION" as offset and description.</summary>
    private static Dictionary<long, string> BinwalkHits(string output) =>
        Regex.Matches(output, @"^(\d+)\s+0x[0-9A-F]+\s+(.+?)\s*$", RegexOptions.Multiline)
            .ToDictionary(m => long.Parse(m.Groups[1].Value), m => m.Groups[2].Value);

    [Fact]
    [Trait("Category", "ReferenceTool")]
    public async Task Zlib_and_flash_hits_agree_with_live_binwalk()
    {
        var layout = new (int Offset, byte[] Payload)[]
        {
            (0x101, Payloads.Zlib(CompressionLevel.Optimal)),
            (0x401, Payloads.Zlib(CompressionLevel.SmallestSize)),
            (0x701, Payloads.Zlib(3)),
            (0xA01, Payloads.Zlib(CompressionLevel.Fastest)),
            (0xD00, Payloads.SwfUncompressed()),
            (0xE03, Payloads.SwfZlib()),
            (0xF00, Payloads.SwfLzma()),
        };
        var bytes = Text(0x1200);
        foreach (var (offset, payload) in layout)
            payload.CopyTo(bytes, offset);
        var path = work.WriteFile("flash-and-zlib.bin", bytes);

        var theirs = BinwalkHits(ReferenceTool.Run("binwalk", "binwalk", work.Path, "-B", path));
        var ours = (await new SignatureScanner(SignatureSet.Default).ScanAsync(path, "flash-and-zlib.bin", CancellationToken.None))
            .Hits.ToDictionary(h => h.Offset);

        // What binwalk reports of these, live: its wording, which binary_data's descriptions start with.
        Assert.Equal(new Dictionary<long, string>
        {
            [0x101] = "Zlib compressed data, default compression",
            [0x401] = "Zlib compressed data, best compression",
            [0x701] = "Zlib compressed data, compressed",
            [0xD00] = "Uncompressed Adobe Flash SWF file, Version 10, File size (header included) 30",
            [0xE03 + 8] = "Zlib compressed data, default compression",
        }, theirs);
        foreach (var (offset, description) in theirs)
        {
            // binwalk calls FLEVEL 1 just "compressed"; binary_data names the level ("fast compression").
            var expected = description.Replace("data, compressed", "data, fast compression", StringComparison.Ordinal);
            Assert.True(ours.TryGetValue(offset, out var hit) && hit.Description.StartsWith(expected, StringComparison.Ordinal),
                $"binwalk: {offset}: {description}; binary_data: {(hit is null ? "nothing" : hit.Description)}");
        }
        // binary_data only: the FLEVEL 0 header 78 01 (binwalk's signature for it is commented out) and the CWS and ZWS
        // headers (binwalk has no signature for them; it finds the zlib body of the CWS, and LZMA only when it decodes).
        Assert.Equal([0xA01, 0xE03, 0xF00], ours.Keys.Except(theirs.Keys).Order());
        Assert.Equal(["swf", "swf"], new[] { ours[0xE03].Type, ours[0xF00].Type });
    }
}
