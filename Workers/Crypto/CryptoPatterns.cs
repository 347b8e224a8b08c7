using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Cucos.Workers.Crypto;

/// <summary>One algorithm or library of <c>Data/crypto-patterns.json</c>.</summary>
public sealed record CryptoAlgorithm(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("category")] string Category,
    [property: JsonPropertyName("weak")] string? Weak,
    [property: JsonPropertyName("content")] IReadOnlyList<string>? Content,
    [property: JsonPropertyName("filenames")] IReadOnlyList<string>? Filenames,
    [property: JsonPropertyName("constants")] IReadOnlyList<CryptoConstant>? Constants);

/// <summary>A known constant: raw bytes, 32/64-bit words (both byte orders), or a regular expression for its source form.</summary>
public sealed record CryptoConstant(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("bytes")] string? Bytes,
    [property: JsonPropertyName("words")] string? Words,
    [property: JsonPropertyName("text")] string? Text);

/// <summary>A byte sequence to look for in binary files, and what finding it means.</summary>
public sealed record BinaryConstant(CryptoAlgorithm Algorithm, string Description, byte[] Bytes);

/// <summary>
/// The patterns, compiled: all content and source-constant expressions as one alternation (one pass per line),
/// file-name expressions, and the byte sequences of known constants.
/// </summary>
public sealed class CryptoPatterns
{
    private static readonly Lazy<CryptoPatterns> Shared = new(() => Load(typeof(CryptoPatterns).Assembly
        .GetManifestResourceStream("Cucos.Orleans.Workers.Crypto.crypto-patterns.json")
        ?? throw new InvalidOperationException("the crypto patterns are missing from the Workers assembly; rebuild it.")));

    public static CryptoPatterns Instance => Shared.Value;

    public IReadOnlyList<CryptoAlgorithm> Algorithms { get; }

    /// <summary>One alternation of every content and constant-text pattern; group <c>pN</c> is <see cref="Groups"/>[N].</summary>
    public Regex Content { get; }

    /// <summary>For each group of <see cref="Content"/>: its algorithm, and whether it is a constant's source form.</summary>
    public IReadOnlyList<(CryptoAlgorithm Algorithm, bool IsConstant)> Groups { get; }

    public IReadOnlyList<(CryptoAlgorithm Algorithm, Regex Regex)> Filenames { get; }
    public IReadOnlyList<BinaryConstant> BinaryConstants { get; }

    /// <summary>Words one of which every content pattern contains: a line with none of them is not searched.</summary>
    public SearchValues<string> Anchors { get; }
    private readonly int[] groupNumbers;

    private CryptoPatterns(IReadOnlyList<CryptoAlgorithm> algorithms, IReadOnlyList<string> anchors)
    {
        Algorithms = algorithms;
        Anchors = SearchValues.Create([.. anchors], StringComparison.OrdinalIgnoreCase);
        var groups = new List<(CryptoAlgorithm, bool)>();
        var alternatives = new List<string>();
        foreach (var algorithm in algorithms)
        {
            foreach (var pattern in algorithm.Content ?? [])
                Add(algorithm, pattern, isConstant: false);
            foreach (var constant in algorithm.Constants ?? [])
                if (constant.Text is { } text)
                    Add(algorithm, text, isConstant: true);
        }
        Groups = groups;
        Content = new Regex(string.Join('|', alternatives), RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);
        groupNumbers = Enumerable.Range(0, groups.Count).Select(i => Content.GroupNumberFromName("p" + i)).ToArray();
        Filenames = algorithms.SelectMany(a => (a.Filenames ?? []).Select(f => (a, new Regex(f, RegexOptions.CultureInvariant)))).ToArray();
        BinaryConstants = algorithms.SelectMany(a => (a.Constants ?? []).SelectMany(c => BytesOf(a, c))).ToArray();

        void Add(CryptoAlgorithm algorithm, string pattern, bool isConstant)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.CultureInvariant);
            }
            catch (ArgumentException exception)
            {
                throw new InvalidOperationException($"crypto pattern of '{algorithm.Name}' is not a valid regular expression: {pattern}: {exception.Message}");
            }
            alternatives.Add($"(?<p{groups.Count}>{pattern})");
            groups.Add((algorithm, isConstant));
        }
    }

    public static CryptoPatterns Load(Stream json)
    {
        using var document = JsonDocument.Parse(json);
        return new CryptoPatterns(
            document.RootElement.GetProperty("algorithms").Deserialize<CryptoAlgorithm[]>()
                ?? throw new InvalidOperationException("the crypto patterns have no 'algorithms' array."),
            document.RootElement.GetProperty("anchors").Deserialize<string[]>()
                ?? throw new InvalidOperationException("the crypto patterns have no 'anchors' array."));
    }

    /// <summary>The algorithm and kind of the alternative that matched.</summary>
    public (CryptoAlgorithm Algorithm, bool IsConstant) Which(Match match)
    {
        for (var i = 0; i < Groups.Count; i++)
            if (match.Groups[groupNumbers[i]].Success)
                return Groups[i];
        throw new InvalidOperationException("a content match with no pattern group.");
    }

    private static IEnumerable<BinaryConstant> BytesOf(CryptoAlgorithm algorithm, CryptoConstant constant)
    {
        if (constant.Bytes is { } hex)
            yield return new BinaryConstant(algorithm, constant.Name, Convert.FromHexString(hex));
        if (constant.Words is { } words)
        {
            var bigEndian = words.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Convert.FromHexString).ToArray();
            yield return new BinaryConstant(algorithm, constant.Name + " (big-endian)", bigEndian.SelectMany(w => w).ToArray());
            yield return new BinaryConstant(algorithm, constant.Name + " (little-endian)", bigEndian.SelectMany(w => w.Reverse()).ToArray());
        }
    }
}
