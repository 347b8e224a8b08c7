using System.Text;

namespace Cucos.Tests.Digests;

/// <summary>Generated inputs for ssdeep: sizes around every block-size boundary, several kinds of content.</summary>
public static class SsdeepCorpus
{
    private static readonly string[] Words =
        ["package", "analysis", "worker", "the", "of", "cluster", "result", "digest", "and", "signature", "file", "orleans", "grain", "a", "to", "in"];

    /// <summary>Seeded random bytes.</summary>
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Text-like content: lines of words, low entropy, the common case for packages.</summary>
    public static byte[] Text(int length, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(length + 64);
        while (text.Length < length)
        {
            var words = random.Next(3, 12);
            for (var i = 0; i < words; i++)
                text.Append(Words[random.Next(Words.Length)]).Append(i + 1 < words ? ' ' : '\n');
        }
        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }

    /// <summary>One phrase over and over: few or no cuts at large block sizes, so ssdeep falls back to smaller ones.</summary>
    public static byte[] Repeated(int length, string phrase)
    {
        var bytes = new byte[length];
        var pattern = Encoding.ASCII.GetBytes(phrase);
        for (var i = 0; i < length; i++)
            bytes[i] = pattern[i % pattern.Length];
        return bytes;
    }

    public static Dictionary<string, byte[]> Files()
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["empty"] = [],
            ["zeros-1m"] = new byte[1 << 20],
            ["random-5m"] = Random(5_000_000, 1),
            ["text-4m"] = Text(4_200_000, 2),
            ["repeat-37-300k"] = Repeated(300_000, "the quick brown fox jumps over it. "),
            ["repeat-5-100k"] = Repeated(100_000, "abcde"),
            ["repeat-1000-2m"] = Repeated(2_000_000, Encoding.ASCII.GetString(Text(1000, 9))),
            // Ending in zeros leaves the rolling hash at 0, which changes how the last character is chosen.
            ["random-then-zeros-50k"] = [.. Random(50_000, 3), .. new byte[64]],
            ["text-then-zeros-500k"] = [.. Text(500_000, 4), .. new byte[16]],
        };
        foreach (var size in new[] { 1, 2, 3, 6, 7, 8, 9, 20, 63, 64, 65, 100 })
        {
            files[$"random-{size}"] = Random(size, size);
            files[$"text-{size}"] = Text(size, size);
        }
        // Around each length where ssdeep's first block size guess changes: 3·2ᵏ·64 bytes.
        for (var k = 0; k <= 13; k++)
        {
            var boundary = (3 << k) * 64;
            foreach (var delta in new[] { -1, 0, 1 })
            {
                files[$"boundary-{k}{delta:+0;-0;+0}-random"] = Random(boundary + delta, 100 * k + delta + 1);
                if (k <= 11)
                    files[$"boundary-{k}{delta:+0;-0;+0}-text"] = Text(boundary + delta, 200 * k + delta + 1);
            }
        }
        return files;
    }

    /// <summary>A base and edited copies of it (changed, inserted, deleted, appended, halved, doubled) and unrelated content.</summary>
    public static IEnumerable<(string Name, byte[] Content)> SimilarityPairs()
    {
        foreach (var (kind, source) in new (string, byte[])[] { ("random", Random(200_000, 21)), ("text", Text(150_000, 22)), ("small", Text(3_000, 23)), ("tiny", Text(400, 24)) })
        {
            yield return ($"{kind}-base", source);
            yield return ($"{kind}-changed-1", Edit(source, s => s[s.Length / 2] ^= 0xFF));
            yield return ($"{kind}-changed-3x16", Edit(source, s =>
            {
                foreach (var at in new[] { s.Length / 5, s.Length / 2, 4 * s.Length / 5 })
                    s.AsSpan(at, 16).Fill(0x41);
            }));
            yield return ($"{kind}-inserted", [.. source.AsSpan(0, source.Length / 3), .. Random(source.Length / 20, 25), .. source.AsSpan(source.Length / 3)]);
            yield return ($"{kind}-deleted", [.. source.AsSpan(0, source.Length / 2), .. source.AsSpan(source.Length / 2 + source.Length / 12)]);
            yield return ($"{kind}-appended", [.. source, .. Text(source.Length / 10, 26)]);
            yield return ($"{kind}-first-half", source[..(source.Length / 2)]);
            yield return ($"{kind}-doubled", [.. source, .. source]);
            yield return ($"{kind}-unrelated", kind == "random" ? Random(source.Length, 27) : Text(source.Length, 28));
        }
    }

    private static byte[] Edit(byte[] source, Action<byte[]> edit)
    {
        var copy = (byte[])source.Clone();
        edit(copy);
        return copy;
    }
}
