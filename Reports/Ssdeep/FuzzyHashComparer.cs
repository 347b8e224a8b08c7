namespace Cucos.Reports.Ssdeep;

/// <summary>The 0-100 similarity of two ssdeep signatures, as <c>ssdeep -d</c> and <c>-a</c> score them.</summary>
/// <remarks>
/// Here rather than beside the digests worker's hasher: comparing two stored signatures is a report's work (the version
/// diff's changed files) as much as the CLI's, and this project is the one every client references.
/// </remarks>
public static class FuzzyHashComparer
{
    /// <summary>The longest signature part, ssdeep's SPAMSUM_LENGTH (the hasher's <c>SignatureLength</c>).</summary>
    public const int SignatureLength = 64;

    private const int CommonRunLength = 7;
    private const int MinBlockSize = 3;

    /// <summary>A parsed signature: block size, the signature at it and the one at twice it, runs of 4+ equal characters cut to 3.</summary>
    private sealed record Signature(long BlockSize, string AtBlockSize, string AtDoubleBlockSize);

    /// <summary>
    /// 100 for identical signatures, 0 when the block sizes are not the same or neighbours (no common scale),
    /// otherwise the edit distance of the signatures at their common block size, scaled to 0-100.
    /// </summary>
    /// <exception cref="FormatException">A signature is not of the form <c>BLOCKSIZE:PART:PART</c>.</exception>
    public static int Compare(string first, string second)
    {
        var a = Parse(first, nameof(first));
        var b = Parse(second, nameof(second));
        if (a.BlockSize != b.BlockSize && a.BlockSize * 2 != b.BlockSize && b.BlockSize * 2 != a.BlockSize)
            return 0;
        if (a == b)
            return 100;
        if (a.BlockSize == b.BlockSize)
            return Math.Max(
                Score(a.AtBlockSize, b.AtBlockSize, a.BlockSize),
                Score(a.AtDoubleBlockSize, b.AtDoubleBlockSize, a.BlockSize * 2));
        return a.BlockSize * 2 == b.BlockSize
            ? Score(b.AtBlockSize, a.AtDoubleBlockSize, b.BlockSize)
            : Score(a.AtBlockSize, b.AtDoubleBlockSize, a.BlockSize);
    }

    /// <summary>Whether <paramref name="text"/> is a well-formed signature (an optional <c>,"name"</c> after it is allowed).</summary>
    public static bool IsSignature(string text)
    {
        try
        {
            Parse(text, nameof(text));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static Signature Parse(string text, string name)
    {
        // ssdeep's own lines end in ,"file name": the signature is what comes before.
        var comma = text.IndexOf(',');
        var parts = (comma >= 0 ? text[..comma] : text).Trim().Split(':');
        if (parts.Length != 3
            || !long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var blockSize)
            || blockSize < MinBlockSize || blockSize > long.MaxValue / 2
            || parts[1].Length > SignatureLength || parts[2].Length > SignatureLength
            || !IsBase64(parts[1]) || !IsBase64(parts[2]))
            throw new FormatException($"'{text}' ({name}) is not an ssdeep signature: expected BLOCKSIZE:PART:PART, as ssdeep prints, e.g. 3:abc:de.");
        return new Signature(blockSize, WithoutLongRuns(parts[1]), WithoutLongRuns(parts[2]));
    }

    private static bool IsBase64(string part) => part.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/');

    /// <summary>Long runs of one character carry little information and would inflate matches: keep three.</summary>
    private static string WithoutLongRuns(string part)
    {
        var kept = new System.Text.StringBuilder(part.Length);
        foreach (var c in part)
        {
            var n = kept.Length;
            if (n < 3 || c != kept[n - 1] || c != kept[n - 2] || c != kept[n - 3])
                kept.Append(c);
        }
        return kept.ToString();
    }

    private static int Score(string a, string b, long blockSize)
    {
        if (!ShareARun(a, b))
            return 0;
        // Distance scaled to the signatures' lengths, then to 0-100, in ssdeep's integer steps.
        var scaled = (long)EditDistance(a, b) * SignatureLength / (a.Length + b.Length);
        var score = 100 - 100 * scaled / SignatureLength;
        // Small block sizes see few bytes per character: short signatures must not claim a high score.
        const long exactFrom = (99 + CommonRunLength) / CommonRunLength * MinBlockSize;
        if (blockSize >= exactFrom)
            return (int)score;
        return (int)Math.Min(score, blockSize / MinBlockSize * Math.Min(a.Length, b.Length));
    }

    /// <summary>Whether the two share a substring of seven characters (ssdeep's filter against chance similarity).</summary>
    private static bool ShareARun(string a, string b)
    {
        if (a.Length < CommonRunLength || b.Length < CommonRunLength)
            return false;
        for (var i = 0; i + CommonRunLength <= a.Length; i++)
        {
            if (b.AsSpan().IndexOf(a.AsSpan(i, CommonRunLength), StringComparison.Ordinal) >= 0)
                return true;
        }
        return false;
    }

    /// <summary>Edit distance with insertions and deletions costing 1 and substitutions 2.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 0; i < a.Length; i++)
        {
            current[0] = i + 1;
            for (var j = 0; j < b.Length; j++)
            {
                var substitute = previous[j] + (a[i] == b[j] ? 0 : 2);
                current[j + 1] = Math.Min(Math.Min(previous[j + 1] + 1, current[j] + 1), substitute);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
