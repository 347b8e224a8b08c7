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

/// <summary>
/// Licence notices and references ("Licensed under the Apache License, Version 2.0"), from a data file. Two
/// placeholders tie the patterns to the vendored SPDX list: <c>{SPDX}</c> in a pattern takes the words that follow
/// and keeps the longest start of them that is an SPDX id or name ("licensed under mit", "released under the
/// apache license version 2 0"); <c>{COMMON}</c> is the data file's list of common ids as words
/// ("isc licensed", "(bsd 3 clause license)").
/// </summary>
public sealed partial class LicenseNotices
{
    // The words {SPDX} may take: longer than any SPDX id or name a notice writes out.
    private const int MaxNameWords = 12;

    // Words before a notice in which "either" or "dual" makes the next licence named after "or" its alternative.
    private const int DualCueWords = 6;

    private readonly (NoticePattern Pattern, Regex Regex)[] patterns;

    // SPDX ids and names as canonical words ("apache license 2 0") -> the id.
    private readonly Dictionary<string, string> spdxNames;

    // The common ids as words ("bsd 3 clause") -> the id.
    private readonly Dictionary<string, string> commonIds;

    private static readonly Lazy<LicenseNotices> Shared = new(() => Load(typeof(LicenseNotices).Assembly
        .GetManifestResourceStream("Cucos.Orleans.Workers.Licenses.license-notices.json")
        ?? throw new InvalidOperationException("the licence notice patterns are missing from the Workers assembly; rebuild it."), LicenseCatalog.Instance));

    public static LicenseNotices Instance => Shared.Value;

    private LicenseNotices(IEnumerable<NoticePattern> entries, IEnumerable<string> common, LicenseCatalog catalog)
    {
        spdxNames = new Dictionary<string, string>(StringComparer.Ordinal);
        // Current ids before deprecated ones, ids before names: where two spell alike, the current id wins.
        foreach (var license in catalog.ById.Values.OrderBy(l => catalog.Canonical(l.Id) == l.Id ? 0 : 1).ThenBy(l => l.Id.Length).ThenBy(l => l.Id, StringComparer.Ordinal))
            spdxNames.TryAdd(CanonicalWords(WordsOf(license.Id)), license.Id);
        foreach (var license in catalog.ById.Values.OrderBy(l => catalog.Canonical(l.Id) == l.Id ? 0 : 1).ThenBy(l => l.Id.Length).ThenBy(l => l.Id, StringComparer.Ordinal))
            spdxNames.TryAdd(CanonicalWords(WordsOf(license.Name)), license.Id);
        commonIds = common.ToDictionary(id => string.Join(' ', WordsOf(id)), id => id, StringComparer.Ordinal);
        var commonAlternation = string.Join('|', commonIds.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape));
        patterns = entries.Select(p => (p, new Regex(
            p.Pattern.Replace("{SPDX}", $"(?<spdx>[a-z0-9]+(?: [a-z0-9]+){{0,{MaxNameWords - 1}}})", StringComparison.Ordinal)
                .Replace("{COMMON}", $"(?<common>{commonAlternation})", StringComparison.Ordinal),
            RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture))).ToArray();
    }

    public static LicenseNotices Load(Stream json, LicenseCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        using var document = JsonDocument.Parse(json);
        var entries = document.RootElement.GetProperty("notices").Deserialize<NoticePattern[]>()
            ?? throw new InvalidOperationException("the notice patterns have no 'notices' array.");
        var common = document.RootElement.TryGetProperty("common", out var list) ? list.Deserialize<string[]>() ?? [] : [];
        foreach (var id in common)
            if (!catalog.ById.ContainsKey(id))
                throw new InvalidOperationException($"the notice patterns' common id '{id}' is not on the vendored SPDX list; correct Data/license-notices.json.");
        return new LicenseNotices(entries, common, catalog);
    }

    /// <summary>Every notice in the text, the most confident first where two overlap; "either A or B" as one <c>OR</c>.</summary>
    public IReadOnlyList<NoticeMatch> Find(string joinedWords, int[] wordStarts)
    {
        var found = new List<NoticeMatch>();
        foreach (var (pattern, regex) in patterns)
            foreach (Match m in regex.Matches(joinedWords))
            {
                var end = m.Index + m.Length;
                string expression;
                if (m.Groups["spdx"] is { Success: true } named)
                {
                    if (Resolve(named.Value) is not { } resolved)
                        continue;
                    expression = pattern.Id.Replace("{spdx}", resolved.Id, StringComparison.Ordinal);
                    end = named.Index + resolved.Length;
                }
                else
                    expression = Expand(pattern.Id, m);
                var first = WordAt(wordStarts, m.Index);
                var last = WordAt(wordStarts, Math.Max(end - 1, m.Index));
                found.Add(new NoticeMatch(expression, pattern.Kind, pattern.Confidence, first, last, joinedWords[m.Index..end]));
            }
        var kept = new List<NoticeMatch>();
        foreach (var match in found.OrderByDescending(f => f.Confidence).ThenByDescending(f => f.LastWord - f.FirstWord))
            if (!kept.Any(k => k.FirstWord <= match.LastWord && match.FirstWord <= k.LastWord))
                kept.Add(match);
        kept.Sort((a, b) => a.FirstWord.CompareTo(b.FirstWord));
        return JoinAlternatives(kept, joinedWords, wordStarts);
    }

    // "either the BSD licence or the GNU GPL v2", "dual licensed under MIT or Apache-2.0": one choice between two
    // licences, so one OR expression, not two licences the file carries both of.
    private static List<NoticeMatch> JoinAlternatives(List<NoticeMatch> matches, string joined, int[] starts)
    {
        for (var i = 0; i + 1 < matches.Count; i++)
        {
            var (a, b) = (matches[i], matches[i + 1]);
            var between = joined[EndOf(a.LastWord)..starts[b.FirstWord]];
            if (!AlternativeJoint().IsMatch(between))
                continue;
            var before = joined[starts[Math.Max(0, a.FirstWord - DualCueWords)]..EndOf(a.LastWord)];
            if (!DualCue().IsMatch(before))
                continue;
            var expression = $"({a.Expression}) OR ({b.Expression})";
            matches[i] = new NoticeMatch(expression, a.Kind == "notice" || b.Kind == "notice" ? "notice" : a.Kind,
                Math.Min(a.Confidence, b.Confidence), a.FirstWord, b.LastWord, joined[starts[a.FirstWord]..EndOf(b.LastWord)]);
            matches.RemoveAt(i + 1);
            i--;
        }
        return matches;

        int EndOf(int word) => word + 1 < starts.Length ? starts[word + 1] - 1 : joined.Length;
    }

    [GeneratedRegex(@"^ (?:licen[cs]es? )?(?:or|and or) (?:alternatively )?(?:at your option )?(?:under )?(?:the )?(?:terms of )?(?:the )?$")]
    private static partial Regex AlternativeJoint();

    [GeneratedRegex(@"\b(?:either|dual|dually|choice of|at your option)\b")]
    private static partial Regex DualCue();

    // The longest start of the words that is an SPDX id or name: the id and that start's length in characters.
    private (string Id, int Length)? Resolve(string words)
    {
        var split = words.Split(' ');
        for (var n = split.Length; n > 0; n--)
            if (spdxNames.TryGetValue(CanonicalWords(split[..n]), out var id))
                return (id, string.Join(' ', split[..n]).Length);
        return null;
    }

    private static string[] WordsOf(string text) => [.. LicenseText.Of(text).Words];

    // Version words dropped and numbers written in full, the way ids, names and notices all compare:
    // "version 2", "v2", "v 2 0" and "2 0" all read "2 0".
    private static string CanonicalWords(IEnumerable<string> words)
    {
        var result = new List<string>();
        foreach (var word in words)
        {
            if (word is "version" or "v")
                continue;
            result.Add(word.Length > 1 && word[0] == 'v' && word.Skip(1).All(char.IsAsciiDigit) ? word[1..] : word);
        }
        for (var i = result.Count - 1; i >= 0; i--)
            if (result[i].All(char.IsAsciiDigit) && (i == 0 || !result[i - 1].All(char.IsAsciiDigit)) && (i + 1 == result.Count || !result[i + 1].All(char.IsAsciiDigit)))
                result.Insert(i + 1, "0");
        return string.Join(' ', result);
    }

    private static int WordAt(int[] starts, int offset)
    {
        var index = Array.BinarySearch(starts, offset);
        return index >= 0 ? index : ~index - 1;
    }

    // {later}: "or-later" when the 'later' group matched; {v}: "2 1" -> "2.1", "3" -> "3.0"; {common}: the common
    // id those words spell; other groups as written.
    private string Expand(string id, Match m) => Placeholder().Replace(id, p =>
    {
        var name = p.Groups[1].Value;
        var group = m.Groups[name];
        if (name == "later")
            return group.Success ? "or-later" : "only";
        if (name == "common")
            return commonIds[group.Value];
        var value = group.Value.Replace(' ', '.');
        return name == "v" && !value.Contains('.') ? value + ".0" : value;
    });

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();
}
