using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cucos.Workers.Licenses;

/// <summary>One licence of the SPDX list as vendored in <c>Data/spdx-licenses.json</c>.</summary>
public sealed record SpdxLicense(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("osi_approved")] bool OsiApproved,
    [property: JsonPropertyName("text")] string Text);

/// <summary>A licence text prepared for matching; licences whose texts are identical share one template.</summary>
public sealed class LicenseTemplate(string id, IReadOnlyList<string> sameText, int[] words, HashSet<long> shingles, HashSet<long> required)
{
    /// <summary>The identifier reported when this text is found.</summary>
    public string Id { get; } = id;

    /// <summary>Every SPDX identifier with exactly this text (GPL-2.0-only, GPL-2.0-or-later, ...).</summary>
    public IReadOnlyList<string> SameText { get; } = sameText;

    public int[] Words { get; } = words;
    public HashSet<long> Shingles { get; } = shingles;

    /// <summary>The triples a text must have to be this licence: all but an appendix after "end of terms and conditions".</summary>
    public HashSet<long> Required { get; } = required;
}

/// <summary>
/// The SPDX licence list: identifiers (with the deprecated ones mapped to their successors) and full-text templates
/// with an index from word triples to the templates that contain them. Loaded once per process.
/// </summary>
public sealed partial class LicenseCatalog
{
    public const int ShingleLength = 3;
    private const int WordBits = 21;

    private static readonly Lazy<LicenseCatalog> Shared = new(() => Load(typeof(LicenseCatalog).Assembly
        .GetManifestResourceStream("Cucos.Orleans.Workers.Licenses.spdx-licenses.json")
        ?? throw new InvalidOperationException("the vendored SPDX licence list is missing from the Workers assembly; rebuild it.")));

    public static LicenseCatalog Instance => Shared.Value;

    public string? ListVersion { get; }
    public IReadOnlyList<LicenseTemplate> Templates => texts.Value.Templates;
    public FrozenDictionary<string, SpdxLicense> ById { get; }

    // The full-text templates are built on first use: metadata reads only the ids.
    private readonly Lazy<TextIndex> texts;

    private sealed record TextIndex(IReadOnlyList<LicenseTemplate> Templates, FrozenDictionary<string, int> Vocabulary, FrozenDictionary<long, int[]> Index);

    private LicenseCatalog(string? listVersion, IReadOnlyList<SpdxLicense> licenses)
    {
        ListVersion = listVersion;
        ById = licenses.ToFrozenDictionary(l => l.Id, StringComparer.OrdinalIgnoreCase);
        texts = new Lazy<TextIndex>(() => BuildTextIndex(licenses));
    }

    private static TextIndex BuildTextIndex(IReadOnlyList<SpdxLicense> licenses)
    {
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        var templates = new List<LicenseTemplate>();
        foreach (var group in licenses.GroupBy(l => l.Text.Trim(), StringComparer.Ordinal))
        {
            var ids = group.Select(l => l.Id).ToArray();
            var tokens = LicenseText.Of(WithoutTitle(group.Key), isTemplate: true).Words
                .Select(w => words.TryGetValue(w, out var id) ? id : words[w] = words.Count).ToArray();
            var shingles = new HashSet<long>();
            var required = new HashSet<long>();
            var optionalFrom = OptionalAppendixStart(tokens, words);
            for (var i = 0; i + ShingleLength <= tokens.Length; i++)
            {
                var key = Key(tokens[i], tokens[i + 1], tokens[i + 2]);
                shingles.Add(key);
                if (i + ShingleLength <= optionalFrom)
                    required.Add(key);
            }
            if (shingles.Count > 0)
                templates.Add(new LicenseTemplate(Preferred(ids), ids, tokens, shingles, required));
        }
        var postings = new Dictionary<long, List<int>>();
        for (var t = 0; t < templates.Count; t++)
            foreach (var shingle in templates[t].Shingles)
                (postings.TryGetValue(shingle, out var list) ? list : postings[shingle] = []).Add(t);
        return new TextIndex(templates, words.ToFrozenDictionary(StringComparer.Ordinal), postings.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray()));
    }

    public static LicenseCatalog Load(Stream json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var licenses = root.GetProperty("licenses").Deserialize<SpdxLicense[]>()
            ?? throw new InvalidOperationException("the SPDX licence list has no 'licenses' array.");
        return new LicenseCatalog(root.TryGetProperty("spdx_list_version", out var v) ? v.GetString() : null, licenses);
    }

    /// <summary>The word's id in the templates' vocabulary, or -1 for a word no licence uses.</summary>
    public int WordId(string word) => texts.Value.Vocabulary.TryGetValue(word, out var id) ? id : -1;

    public static long Key(int a, int b, int c) => ((long)a << (2 * WordBits)) | ((long)b << WordBits) | (uint)c;

    /// <summary>The templates containing a word triple.</summary>
    public ReadOnlySpan<int> TemplatesWith(long shingle) => texts.Value.Index.TryGetValue(shingle, out var list) ? list : [];

    /// <summary>
    /// The canonical form of an identifier: its spelling in the list, deprecated GNU ids ("GPL-2.0", "GPL-2.0+")
    /// mapped to "-only"/"-or-later". Null when the list does not have it.
    /// </summary>
    public string? Canonical(string id)
    {
        var orLater = id.EndsWith('+');
        var bare = orLater ? id[..^1] : id;
        if (!ById.TryGetValue(bare, out var license))
            return null;
        var suffixed = license.Id + (orLater ? "-or-later" : "-only");
        if (ById.TryGetValue(suffixed, out var successor))
            return successor.Id;
        return orLater ? license.Id + "+" : license.Id;
    }

    // Of identifiers sharing one text, the current "-only" form, else the shortest (MPL-2.0 before its variant).
    private static string Preferred(string[] ids) =>
        ids.Where(i => i.EndsWith("-only", StringComparison.Ordinal)).OrderBy(i => i.Length).FirstOrDefault()
        ?? ids.OrderBy(i => i.Length).ThenBy(i => i, StringComparer.Ordinal).First();

    // Apache-2.0 and the GNU licences end their terms with "END OF TERMS AND CONDITIONS"; the "how to apply"
    // appendix after it is often left out of a LICENSE file.
    private static int OptionalAppendixStart(int[] tokens, Dictionary<string, int> words)
    {
        int[] marker = [.. "end of terms and conditions".Split(' ').Select(w => words.GetValueOrDefault(w, -1))];
        for (var i = tokens.Length - marker.Length; i >= 0; i--)
            if (tokens.AsSpan(i, marker.Length).SequenceEqual(marker))
                return i + marker.Length;
        return tokens.Length;
    }

    // A one-line title ("MIT License") is often left out of a licence as used, so it is not part of the template.
    private static string WithoutTitle(string text)
    {
        var lines = text.Split('\n');
        return lines.Length > 2 && lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= 8 && lines[1].Trim().Length == 0
            ? string.Join('\n', lines[2..])
            : text;
    }
}
