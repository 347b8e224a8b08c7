using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Cucos.Workers.Licenses;

/// <summary>One entry of <c>Data/license-notices.json</c>.</summary>
public sealed record NoticePattern(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("confidence")] double Confidence,
    [property: JsonPropertyName("pattern")] string Pattern);

/// <summary>A notice or reference found in normalised words: the licence expression and the words it spans.</summary>
public sealed record NoticeMatch(string Expression, string Kind, double Confidence, int FirstWord, int LastWord, string Text);

/// <summary>Licence notices and references ("Licensed under the Apache License, Version 2.0"), from a data file.</summary>
public sealed partial class LicenseNotices
{
    private readonly (NoticePattern Pattern, Regex Regex)[] patterns;

    private static readonly Lazy<LicenseNotices> Shared = new(() => Load(typeof(LicenseNotices).Assembly
        .GetManifestResourceStream("Cucos.Orleans.Workers.Licenses.license-notices.json")
        ?? throw new InvalidOperationException("the licence notice patterns are missing from the Workers assembly; rebuild it.")));

    public static LicenseNotices Instance => Shared.Value;

    private LicenseNotices(IEnumerable<NoticePattern> entries) =>
        patterns = entries.Select(p => (p, new Regex(p.Pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture))).ToArray();

    public static LicenseNotices Load(Stream json)
    {
        using var document = JsonDocument.Parse(json);
        return new LicenseNotices(document.RootElement.GetProperty("notices").Deserialize<NoticePattern[]>()
            ?? throw new InvalidOperationException("the notice patterns have no 'notices' array."));
    }

    /// <summary>Every notice in the text, the most confident first where two overlap.</summary>
    public IReadOnlyList<NoticeMatch> Find(string joinedWords, int[] wordStarts)
    {
        var found = new List<NoticeMatch>();
        foreach (var (pattern, regex) in patterns)
            foreach (Match m in regex.Matches(joinedWords))
            {
                var first = WordAt(wordStarts, m.Index);
                var last = WordAt(wordStarts, m.Index + Math.Max(m.Length - 1, 0));
                found.Add(new NoticeMatch(Expand(pattern.Id, m), pattern.Kind, pattern.Confidence, first, last, m.Value));
            }
        var kept = new List<NoticeMatch>();
        foreach (var match in found.OrderByDescending(f => f.Confidence).ThenByDescending(f => f.LastWord - f.FirstWord))
            if (!kept.Any(k => k.FirstWord <= match.LastWord && match.FirstWord <= k.LastWord))
                kept.Add(match);
        return kept.OrderBy(k => k.FirstWord).ToList();
    }

    private static int WordAt(int[] starts, int offset)
    {
        var index = Array.BinarySearch(starts, offset);
        return index >= 0 ? index : ~index - 1;
    }

    // {later}: "or-later" when the 'later' group matched; {v}: "2 1" -> "2.1", "3" -> "3.0"; other groups as written.
    private static string Expand(string id, Match m) => Placeholder().Replace(id, p =>
    {
        var name = p.Groups[1].Value;
        var group = m.Groups[name];
        if (name == "later")
            return group.Success ? "or-later" : "only";
        var value = group.Value.Replace(' ', '.');
        return name == "v" && !value.Contains('.') ? value + ".0" : value;
    });

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();
}
