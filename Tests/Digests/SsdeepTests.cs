using Cucos.Reports.Ssdeep;
using System.Text;
using System.Text.RegularExpressions;
using Cucos.Tests.Support;
using Cucos.Workers.Digests;

namespace Cucos.Tests.Digests;

/// <summary>ssdeep signatures and scores against the real <c>ssdeep</c> tool (Debian package ssdeep), run live.</summary>
[Trait("Category", "ReferenceTool")]
public sealed partial class SsdeepTests : IDisposable
{
    private readonly TempDirectory work = new("cucos-ssdeep");

    public void Dispose() => work.Dispose();

    /// <summary>What the installed ssdeep prints for every file of a folder, by relative path.</summary>
    private static Dictionary<string, string> ReferenceHashes(string folder)
    {
        var output = ReferenceTool.Run("ssdeep", "ssdeep", folder, "-r", "-l", ".");
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n').Skip(1).Where(l => l.Length > 0))
        {
            var match = ReferenceLine().Match(line);
            Assert.True(match.Success, $"unexpected ssdeep output line: {line}");
            hashes[match.Groups["path"].Value.TrimStart('.', '/')] = match.Groups["hash"].Value;
        }
        return hashes;
    }

    [GeneratedRegex("""^(?<hash>[^,]+),"(?<path>.*)"$""")]
    private static partial Regex ReferenceLine();

    /// <summary>The block size ssdeep's length rule starts from: the smallest 3·2ᵏ with 64 pieces covering the file.</summary>
    private static long FirstGuess(long size)
    {
        long blockSize = 3;
        while (blockSize * 64 < size)
            blockSize *= 2;
        return blockSize;
    }

    [Fact]
    public async Task Digests_worker_signatures_are_identical_to_the_ssdeep_tool()
    {
        var files = SsdeepCorpus.Files();
        Fixtures.WriteTree(work.Path, files);

        var ours = await DigestsTask.DigestTreeAsync(work.Path, CancellationToken.None);
        var reference = ReferenceHashes(work.Path);

        Assert.Equal(files.Count, reference.Count);
        var different = ours.Where(d => reference[d.Path] != d.Ssdeep)
            .Select(d => $"{d.Path} ({d.Size} bytes): ours {d.Ssdeep}, ssdeep {reference[d.Path]}").ToList();
        Assert.True(different.Count == 0, $"{different.Count} of {ours.Length} signatures differ:\n" + string.Join('\n', different.Take(10)));

        // The corpus must exercise the cases that make ssdeep special, or this test proves little.
        var blockSizes = reference.ToDictionary(r => r.Key, r => long.Parse(r.Value[..r.Value.IndexOf(':')], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(files, f => f.Value.Length > 1 && blockSizes[f.Key] < FirstGuess(f.Value.Length)); // retried with a smaller block size
        Assert.Contains(reference.Values, h => h.Split(':')[1].Length == 64);                               // a full first signature
        Assert.Contains(files, f => f.Value.Length > 4_000_000);
        Assert.Contains(reference.Values, h => h == "3::");
    }

    [Fact]
    public void Signatures_do_not_depend_on_how_the_input_is_chunked()
    {
        var files = SsdeepCorpus.Files().Where(f => f.Value.Length is > 0 and < 600_000).ToDictionary();
        Fixtures.WriteTree(work.Path, files);
        var reference = ReferenceHashes(work.Path);
        var random = new Random(11);

        foreach (var (path, content) in files)
        {
            var hasher = new FuzzyHasher(content.Length);
            for (var at = 0; at < content.Length;)
            {
                var take = Math.Min(content.Length - at, random.Next(1, 5000));
                hasher.Append(content.AsSpan(at, take));
                at += take;
            }
            Assert.True(reference[path] == hasher.Finish(), $"{path}: chunked signature differs from ssdeep's {reference[path]}");
        }
    }

    [Fact]
    public void A_length_that_differs_from_the_announced_one_is_an_error()
    {
        var hasher = new FuzzyHasher(10);
        hasher.Append(new byte[9]);
        Assert.Contains("changed while it was read", Assert.Throws<IOException>(() => hasher.Finish()).Message);
    }

    [Fact]
    public void Compare_scores_are_identical_to_ssdeep_on_every_pair()
    {
        var signatures = new List<(string Name, string Hash)>();
        foreach (var (name, content) in SsdeepCorpus.SimilarityPairs())
            signatures.Add((name, FuzzyHasher.Hash(content)));
        // Hand-made signatures for the parsing rules: long runs, neighbouring and distant block sizes.
        signatures.Add(("runs-a", "48:AAAAAAAAAAAbcdefghijkLMNOPQ:AAAAAAAAxyz"));
        signatures.Add(("runs-b", "48:AAAbcdefghijkLMNOPQ:AAAxyz"));
        signatures.Add(("runs-c", "96:AAAbcdefghijkLMNxPQ:AAAxyz"));
        signatures.Add(("runs-d", "24:zzzzzzz:AAAbcdefghijkLMNOPQ"));
        signatures.Add(("small-a", "6:abcdefghij:abcdefg"));
        signatures.Add(("small-b", "6:abcdefghXY:abcdefg"));
        signatures.Add(("small-c", "12:abcdefghiZ:Q"));

        var sigFile = new StringBuilder("ssdeep,1.1--blocksize:hash:hash,filename\n");
        foreach (var (name, hash) in signatures)
            sigFile.Append(hash).Append(",\"").Append(name).Append("\"\n");
        work.WriteFile("sigs.txt", Encoding.ASCII.GetBytes(sigFile.ToString()));
        var output = ReferenceTool.Run("ssdeep", "ssdeep", work.Path, "-a", "-x", "sigs.txt");
        var reference = new Dictionary<(string, string), int>();
        foreach (Match match in ReferenceScore().Matches(output))
            reference[(match.Groups["a"].Value, match.Groups["b"].Value)] = int.Parse(match.Groups["score"].Value, System.Globalization.CultureInfo.InvariantCulture);

        var pairs = 0;
        var scores = new HashSet<int>();
        foreach (var a in signatures)
            foreach (var b in signatures.Where(b => b.Name != a.Name))
            {
                var ours = FuzzyHashComparer.Compare(a.Hash, b.Hash);
                Assert.True(reference.TryGetValue((a.Name, b.Name), out var expected), $"ssdeep printed no score for {a.Name} / {b.Name}");
                Assert.True(expected == ours, $"{a.Name} {a.Hash} vs {b.Name} {b.Hash}: ours {ours}, ssdeep {expected}");
                scores.Add(ours);
                pairs++;
            }
        Assert.Equal(signatures.Count * (signatures.Count - 1), pairs);
        Assert.True(scores.Count >= 8, $"the pairs produce too few distinct scores to test much: {string.Join(',', scores)}");
        Assert.Contains(100, scores);
        Assert.Contains(0, scores);
    }

    [GeneratedRegex(@"^sigs\.txt:(?<a>\S+) matches sigs\.txt:(?<b>\S+) \((?<score>\d+)\)$", RegexOptions.Multiline)]
    private static partial Regex ReferenceScore();

    [Fact]
    public async Task Cli_compare_prints_ssdeeps_score_and_worker_prints_its_signatures()
    {
        var files = SsdeepCorpus.SimilarityPairs().Where(p => p.Name.StartsWith("text-", StringComparison.Ordinal)).ToDictionary(p => p.Name, p => p.Content);
        Fixtures.WriteTree(work.Path, files);
        var reference = ReferenceHashes(work.Path);

        var (exit, stdout, stderr) = await RunCli("worker", "digests", work.Path);
        Assert.True(exit == 0, stderr);
        using var document = System.Text.Json.JsonDocument.Parse(stdout);
        ResultSchemas.AssertValid("digests", document.RootElement);
        foreach (var file in document.RootElement.GetProperty("details").GetProperty("files").EnumerateArray())
            Assert.Equal(reference[file.GetProperty("path").GetString()!], file.GetProperty("ssdeep").GetString());

        var scores = ReferenceTool.Run("ssdeep", "ssdeep", work.Path, "-a", "-d", "text-base", "text-inserted", "text-unrelated");
        foreach (var other in new[] { "text-inserted", "text-unrelated" })
        {
            var expected = Regex.Match(scores, $@"/{other} matches \S*/text-base \((\d+)\)$", RegexOptions.Multiline).Groups[1].Value;
            Assert.NotEqual("", expected);
            var compare = await RunCli("ssdeep-compare", reference["text-base"], reference[other]);
            Assert.Equal((0, expected), (compare.Exit, compare.Out.Trim()));
        }
    }

    [Theory]
    [InlineData(new[] { "ssdeep-compare", "3:abc:def" }, "ssdeep-compare needs two signatures")]
    [InlineData(new[] { "ssdeep-compare", "3:abc:def", "d41d8cd98f00b204e9800998ecf8427e" }, "'d41d8cd98f00b204e9800998ecf8427e' (second) is not an ssdeep signature: expected BLOCKSIZE:PART:PART")]
    public async Task Cli_compare_explains_bad_input(string[] args, string expected)
    {
        var (exit, stdout, stderr) = await RunCli(args);
        Assert.Equal((2, ""), (exit, stdout));
        Assert.Contains(expected, stderr);
    }

    private static async Task<(int Exit, string Out, string Err)> RunCli(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = await Cucos.Cli.CucosCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("3:abc")]
    [InlineData("x:abc:def")]
    [InlineData("3:ab!c:def")]
    public void Compare_rejects_text_that_is_not_a_signature(string text)
    {
        var error = Assert.Throws<FormatException>(() => FuzzyHashComparer.Compare(text, "3:abc:def"));
        Assert.Contains("is not an ssdeep signature", error.Message);
    }
}
