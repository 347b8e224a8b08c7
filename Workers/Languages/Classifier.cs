using System.Text.Json;

namespace Cucos.Workers.Languages;

/// <summary>
/// The last strategy: a naive Bayes classifier over Linguist's published token counts (samples.json), choosing
/// among the candidate languages the earlier strategies left. The tokens of the file come from our own
/// <see cref="Tokenizer"/>, an approximation of Linguist's (see docs/accuracy.md).
/// </summary>
public sealed class Classifier
{
    private readonly Dictionary<string, Dictionary<string, int>> tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> languageTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> languageSamples = new(StringComparer.Ordinal);
    private readonly double unknownLogProbability;
    private readonly double samplesTotal;

    public Classifier(JsonElement database)
    {
        foreach (var language in database.GetProperty("tokens").EnumerateObject())
            tokens[language.Name] = language.Value.EnumerateObject().ToDictionary(t => t.Name, t => t.Value.GetInt32(), StringComparer.Ordinal);
        foreach (var language in database.GetProperty("language_tokens").EnumerateObject())
            languageTokens[language.Name] = language.Value.GetInt32();
        foreach (var language in database.GetProperty("languages").EnumerateObject())
            languageSamples[language.Name] = language.Value.GetInt32();
        unknownLogProbability = Math.Log(1.0 / database.GetProperty("tokens_total").GetDouble());
        samplesTotal = database.GetProperty("languages_total").GetDouble();
    }

    /// <summary>
    /// The candidates ordered from most to least probable. Candidates without samples keep their order after the
    /// others; null when no candidate has samples, so the caller falls back to the first candidate.
    /// </summary>
    public IReadOnlyList<LanguageInfo>? Rank(string content, IReadOnlyList<LanguageInfo> candidates)
    {
        if (!candidates.Any(c => tokens.ContainsKey(c.Name)))
            return null;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in Tokenizer.Tokenize(content))
            counts[token] = counts.GetValueOrDefault(token) + 1;
        return candidates
            .Select((language, index) => (language, index, score: Score(counts, language.Name)))
            .OrderByDescending(c => c.score)
            .ThenBy(c => c.index)
            .Select(c => c.language)
            .ToArray();
    }

    private double Score(Dictionary<string, int> counts, string language)
    {
        if (!tokens.TryGetValue(language, out var known))
            return double.NegativeInfinity;
        var total = (double)languageTokens[language];
        var score = Math.Log(languageSamples[language] / samplesTotal);
        foreach (var (token, count) in counts)
            score += count * (known.TryGetValue(token, out var seen) ? Math.Log(seen / total) : unknownLogProbability);
        return score;
    }
}
