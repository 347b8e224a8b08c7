using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cucos.Workers.Languages;

/// <summary>
/// One disambiguation of Linguist's heuristics.yml: for files ending in one of <see cref="Extensions"/>, the first
/// rule whose condition matches the content names the language (or languages). Patterns compile on first use.
/// </summary>
public sealed class Heuristic(IReadOnlyList<string> extensions, IReadOnlyList<HeuristicRule> rules)
{
    public IReadOnlyList<string> Extensions { get; } = extensions;
    public IReadOnlyList<HeuristicRule> Rules { get; } = rules;

    public bool AppliesTo(string lowerCaseFileName) => Extensions.Any(lowerCaseFileName.EndsWith);

    /// <summary>The languages of the first matching rule; empty when none matches.</summary>
    public IReadOnlyList<LanguageInfo> Decide(string content)
    {
        foreach (var rule in Rules)
        {
            if (rule.Condition.Matches(content))
                return rule.Languages;
        }
        return [];
    }

    public static IReadOnlyList<Heuristic> Parse(JsonElement root, LinguistData data)
    {
        var named = root.GetProperty("named_patterns").EnumerateObject()
            .ToDictionary(p => p.Name, p => (Condition)new AnyPattern(Patterns(p.Value)), StringComparer.Ordinal);
        return root.GetProperty("disambiguations").EnumerateArray().Select(d => new Heuristic(
            d.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()!.ToLowerInvariant()).ToArray(),
            d.GetProperty("rules").EnumerateArray().Select(r => new HeuristicRule(
                Strings(r.GetProperty("language")).Select(data.Find).OfType<LanguageInfo>().ToArray(),
                ParseCondition(r, named))).ToArray())).ToArray();
    }

    private static Condition ParseCondition(JsonElement rule, Dictionary<string, Condition> named)
    {
        if (rule.TryGetProperty("and", out var all))
            return new AllOf(all.EnumerateArray().Select(r => ParseCondition(r, named)).ToArray());
        if (rule.TryGetProperty("pattern", out var pattern))
            return new AnyPattern(Patterns(pattern));
        if (rule.TryGetProperty("negative_pattern", out var negative))
            return new Not(new AnyPattern(Patterns(negative)));
        if (rule.TryGetProperty("named_pattern", out var name))
            return named.TryGetValue(name.GetString()!, out var condition)
                ? condition
                : throw new InvalidDataException($"heuristics.json names an undefined pattern '{name.GetString()}'.");
        return Always.Instance;
    }

    private static IEnumerable<string> Strings(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(v => v.GetString()!) : [value.GetString()!];

    private static Lazy<Regex>[] Patterns(JsonElement value) =>
        Strings(value).Select(p => new Lazy<Regex>(() => RubyRegex.Compile(p))).ToArray();

    /// <summary>A rule's condition over the file's first 50 KiB.</summary>
    public abstract class Condition
    {
        public abstract bool Matches(string content);
    }

    /// <summary>An array of patterns is their union: any one matching is a match.</summary>
    private sealed class AnyPattern(Lazy<Regex>[] patterns) : Condition
    {
        public override bool Matches(string content) => patterns.Any(p => p.Value.SafeIsMatch(content));
    }

    private sealed class AllOf(Condition[] conditions) : Condition
    {
        public override bool Matches(string content) => conditions.All(c => c.Matches(content));
    }

    private sealed class Not(Condition inner) : Condition
    {
        public override bool Matches(string content) => !inner.Matches(content);
    }

    private sealed class Always : Condition
    {
        public static readonly Always Instance = new();
        public override bool Matches(string content) => true;
    }
}

public sealed record HeuristicRule(IReadOnlyList<LanguageInfo> Languages, Heuristic.Condition Condition);
