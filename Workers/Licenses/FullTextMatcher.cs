namespace Cucos.Workers.Licenses;

/// <summary>
/// A licence text found in a document: which one, where (word positions) and how well it matched: coverage is the
/// share of the template's required triples found, density the share of the region's words in matched triples.
/// </summary>
public sealed record FullTextMatch(LicenseTemplate Template, int FirstWord, int LastWord, double Coverage, double Density)
{
    /// <summary>The harmonic mean of how much of the licence was found and how much of the region is licence text.</summary>
    public double Score => Coverage + Density == 0 ? 0 : 2 * Coverage * Density / (Coverage + Density);
}

/// <summary>
/// Finds full licence texts by word triples. A template is a candidate when half its triples occur in the
/// document; it is then scored on the densest region: <c>coverage</c> (share of the template's triples found there)
/// and <c>density</c> (share of the region's words that belong to matched triples). Both must be high, which is what
/// tells close relatives apart: MIT-0 in an MIT text has full coverage but its region holds MIT's extra condition.
/// </summary>
public sealed class FullTextMatcher(LicenseCatalog catalog)
{
    /// <summary>Below this score a region is not reported as a licence text.</summary>
    public const double MinScore = 0.75;

    private const double CandidateShare = 0.5;
    private const int MaxGap = 40;

    // A "licence" of a dozen words ("Pick your favourite OSI approved license") matches any sentence like it.
    private const int MinTemplateShingles = 20;

    // A rare variant wins over a common licence only with the words that make it that variant: a common licence
    // scoring within this much of it, whose region lacks most of the variant's own triples, is the licence.
    private const double RelativeMargin = 0.15;
    private const double OwnShare = 0.5;

    // Words by which a licence grants something. A region without any is a warranty disclaimer or a limitation of
    // liability, which every BSD-style licence ends with and which alone licenses nothing.
    private static readonly string[] GrantWords = ["permission", "permitted", "granted", "grant", "grants", "redistribution", "redistribute", "licensed", "free"];

    public IReadOnlyList<FullTextMatch> Match(LicenseText text)
    {
        var n = text.Count;
        if (n < LicenseCatalog.ShingleLength)
            return [];
        var ids = new int[n];
        for (var i = 0; i < n; i++)
            ids[i] = catalog.WordId(text.Words[i]);
        var keys = new long[n - LicenseCatalog.ShingleLength + 1];
        var distinct = new HashSet<long>();
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = ids[i] < 0 || ids[i + 1] < 0 || ids[i + 2] < 0 ? -1 : LicenseCatalog.Key(ids[i], ids[i + 1], ids[i + 2]);
            if (keys[i] >= 0)
                distinct.Add(keys[i]);
        }
        if (distinct.Count < 8)
            return [];

        var counts = new int[catalog.Templates.Count];
        foreach (var key in distinct)
            foreach (var t in catalog.TemplatesWith(key))
                counts[t]++;

        var candidates = new List<LicenseTemplate>();
        for (var t = 0; t < counts.Length; t++)
            if (counts[t] >= CandidateShare * catalog.Templates[t].Shingles.Count && catalog.Templates[t].Required.Count >= MinTemplateShingles)
                candidates.Add(catalog.Templates[t]);

        // Best first; the words of a chosen match are masked and the rest scored again, so a relative inside it
        // (BSD-2-Clause inside BSD-3-Clause) finds nothing left, while a second licence after it still stands alone.
        var grantIds = GrantWords.Select(catalog.WordId).Where(id => id >= 0).ToHashSet();
        var chosen = new List<FullTextMatch>();
        while (candidates.Count > 0)
        {
            var ranked = candidates.Select(t => BestRegion(t, keys)).OfType<FullTextMatch>()
                .Where(m => m.Score >= MinScore && Grants(m))
                .OrderByDescending(m => Math.Round(m.Score, 3))
                .ThenBy(m => Popularity.Rank(m.Template.Id))
                .ThenByDescending(m => m.Template.Words.Length)
                .ToList();
            var best = ranked.FirstOrDefault();
            if (best is null)
                break;
            if (Popularity.Rank(best.Template.Id) == Popularity.Common.Count
                && ranked.FirstOrDefault(m => Popularity.Rank(m.Template.Id) < Popularity.Common.Count && m.Score >= best.Score - RelativeMargin
                    && m.FirstWord <= best.LastWord && best.FirstWord <= m.LastWord) is { } common
                && OwnTriplesFound(best, common, keys) < OwnShare)
                best = common;
            chosen.Add(best);
            candidates.Remove(best.Template);
            Array.Fill(keys, -1, Math.Max(0, best.FirstWord - LicenseCatalog.ShingleLength + 1),
                Math.Min(keys.Length, best.LastWord + 1) - Math.Max(0, best.FirstWord - LicenseCatalog.ShingleLength + 1));
        }
        return chosen.OrderBy(m => m.FirstWord).ToList();

        bool Grants(FullTextMatch m)
        {
            if (!m.Template.Words.Any(grantIds.Contains))
                return true;
            for (var i = m.FirstWord; i <= m.LastWord && i < ids.Length; i++)
                if (grantIds.Contains(ids[i]))
                    return true;
            return false;
        }
    }

    // The share of the variant's own triples (those its common relative lacks) found in the variant's region.
    private static double OwnTriplesFound(FullTextMatch variant, FullTextMatch common, long[] keys)
    {
        var own = variant.Template.Required.Where(k => !common.Template.Shingles.Contains(k)).ToHashSet();
        if (own.Count == 0)
            return 1;
        var found = new HashSet<long>();
        for (var i = variant.FirstWord; i <= variant.LastWord && i < keys.Length; i++)
            if (keys[i] >= 0 && own.Contains(keys[i]))
                found.Add(keys[i]);
        return (double)found.Count / own.Count;
    }

    // The template's hits grouped into regions split at long gaps; the region with the best score.
    private static FullTextMatch? BestRegion(LicenseTemplate template, long[] keys)
    {
        FullTextMatch? best = null;
        var found = new HashSet<long>();
        int first = -1, last = -1, matchedUpTo = -1, matchedWords = 0;
        for (var i = 0; i <= keys.Length; i++)
        {
            var hit = i < keys.Length && keys[i] >= 0 && template.Shingles.Contains(keys[i]);
            if (!hit && i < keys.Length)
                continue;
            if (first >= 0 && (i == keys.Length || i - last > MaxGap))
            {
                var regionWords = last + LicenseCatalog.ShingleLength - first;
                var candidate = new FullTextMatch(template, first, last + LicenseCatalog.ShingleLength - 1,
                    (double)found.Count(template.Required.Contains) / template.Required.Count, (double)matchedWords / regionWords);
                if (best is null || candidate.Score > best.Score)
                    best = candidate;
                found.Clear();
                first = -1;
                matchedWords = 0;
            }
            if (i == keys.Length)
                break;
            if (first < 0)
            {
                first = i;
                matchedUpTo = i - 1;
            }
            last = i;
            found.Add(keys[i]);
            var end = i + LicenseCatalog.ShingleLength - 1;
            matchedWords += end - Math.Max(matchedUpTo, i - 1);
            matchedUpTo = end;
        }
        return best;
    }
}

/// <summary>The licences most packages use, most common first: the tie-breaker between equally good matches.</summary>
public static class Popularity
{
    public static readonly IReadOnlyList<string> Common =
    [
        "MIT", "Apache-2.0", "BSD-3-Clause", "BSD-2-Clause", "ISC", "GPL-3.0-only", "GPL-2.0-only", "LGPL-2.1-only",
        "LGPL-3.0-only", "MPL-2.0", "Unlicense", "0BSD", "CC0-1.0", "AGPL-3.0-only", "EPL-2.0", "EPL-1.0", "Zlib",
        "BSL-1.0", "Artistic-2.0", "PSF-2.0", "CC-BY-4.0", "LGPL-2.0-only", "MIT-0", "WTFPL", "Python-2.0",
        "CDDL-1.0", "EUPL-1.2", "X11", "BSD-4-Clause", "Apache-1.1", "OFL-1.1", "CC-BY-SA-4.0", "MS-PL", "Ruby",
    ];

    private static readonly Dictionary<string, int> Ranks = Common.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);

    public static int Rank(string id) => Ranks.GetValueOrDefault(id, Common.Count);
}
