using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Cucos.Workers.Languages;

/// <summary>One language of Linguist's table (languages.yml with the samples' extensions and interpreters merged in).</summary>
public sealed record LanguageInfo(
    string Name,
    string? Type,
    string? Group,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string> Extensions,
    IReadOnlyList<string> Filenames,
    IReadOnlyList<string> Interpreters)
{
    /// <summary>The language the breakdown counts this one under (TSX under TypeScript, for example).</summary>
    public string GroupName => Group ?? Name;
}

/// <summary>
/// Linguist's published data, vendored under <c>Workers/Languages/Data</c> by <c>scripts/update-linguist-data.rb</c>
/// and embedded in this assembly: the language table, heuristics, vendor/documentation path patterns, generic
/// extensions, the classifier's token counts and mini_mime's extension table.
/// </summary>
public sealed class LinguistData
{
    private static readonly Lazy<LinguistData> Shared = new(() => new LinguistData());
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private readonly Dictionary<string, LanguageInfo> byNameOrAlias = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, LanguageInfo> byAlias = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<LanguageInfo>> byExtension = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<LanguageInfo>> byFilename = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<LanguageInfo>> byInterpreter = new(StringComparer.Ordinal);
    private readonly Lazy<Classifier> classifier;

    public static LinguistData Instance => Shared.Value;

    public string LinguistVersion { get; }
    public IReadOnlyList<LanguageInfo> Languages { get; }
    public IReadOnlyList<Heuristic> Heuristics { get; }
    public IReadOnlyList<string> GenericExtensions { get; }
    public Regex VendorPaths { get; }
    public Regex DocumentationPaths { get; }
    public IReadOnlyDictionary<string, string> MimeByExtension { get; }
    public Classifier Classifier => classifier.Value;

    private LinguistData()
    {
        var table = Load<LanguageTable>("languages.json");
        LinguistVersion = table.LinguistVersion;
        Languages = table.Languages;
        foreach (var language in Languages)
        {
            byNameOrAlias[language.Name] = language;
            foreach (var alias in language.Aliases)
            {
                byAlias.TryAdd(alias, language);
                byNameOrAlias.TryAdd(alias, language);
            }
            foreach (var extension in language.Extensions)
                Add(byExtension, extension.ToLowerInvariant(), language);
            foreach (var filename in language.Filenames)
                Add(byFilename, filename, language);
            foreach (var interpreter in language.Interpreters)
                Add(byInterpreter, interpreter, language);
        }

        using (var heuristics = LoadDocument("heuristics.json"))
            Heuristics = Heuristic.Parse(heuristics.RootElement, this);
        GenericExtensions = Load<string[]>("generic.json");
        VendorPaths = PathPatterns("vendor.json");
        DocumentationPaths = PathPatterns("documentation.json");
        MimeByExtension = Load<Dictionary<string, string>>("mime.json");
        classifier = new Lazy<Classifier>(() =>
        {
            using var document = LoadDocument("classifier.json");
            return new Classifier(document.RootElement);
        });
    }

    /// <summary>A language by name or alias, as heuristics name them; null for an unknown name.</summary>
    public LanguageInfo? Find(string name) =>
        byNameOrAlias.GetValueOrDefault(name) ?? (name.Contains(',') ? byNameOrAlias.GetValueOrDefault(name.Split(',', 2)[0]) : null);

    /// <summary>A language by alias only, as modelines name them.</summary>
    public LanguageInfo? FindByAlias(string alias) =>
        byAlias.GetValueOrDefault(alias) ?? (alias.Contains(',') ? byAlias.GetValueOrDefault(alias.Split(',', 2)[0]) : null);

    /// <summary>Languages that claim this exact file name (base name).</summary>
    public IReadOnlyList<LanguageInfo> ByFilename(string fileName) => byFilename.GetValueOrDefault(fileName) ?? [];

    public IReadOnlyList<LanguageInfo> ByInterpreter(string interpreter) => byInterpreter.GetValueOrDefault(interpreter) ?? [];

    /// <summary>
    /// Languages of the longest known extension of the name: "x.html.erb" tries ".html.erb", then ".erb".
    /// </summary>
    public IReadOnlyList<LanguageInfo> ByExtension(string fileName)
    {
        var lower = fileName.ToLowerInvariant();
        for (var dot = lower.IndexOf('.'); dot >= 0; dot = lower.IndexOf('.', dot + 1))
        {
            if (byExtension.TryGetValue(lower[dot..], out var languages))
                return languages;
        }
        return [];
    }

    private static void Add(Dictionary<string, List<LanguageInfo>> index, string key, LanguageInfo language)
    {
        if (!index.TryGetValue(key, out var list))
            index[key] = list = [];
        if (!list.Contains(language))
            list.Add(language);
    }

    private static Regex PathPatterns(string resource) =>
        new(string.Join('|', Load<string[]>(resource).Select(p => "(?:" + RubyRegex.Translate(p) + ")")),
            RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.Multiline);

    private static T Load<T>(string resource)
    {
        using var stream = Open(resource);
        return JsonSerializer.Deserialize<T>(stream, Json)
            ?? throw new InvalidDataException($"embedded Linguist data '{resource}' is empty.");
    }

    private static JsonDocument LoadDocument(string resource)
    {
        using var stream = Open(resource);
        return JsonDocument.Parse(stream);
    }

    private static Stream Open(string resource) =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream("Linguist." + resource)
        ?? throw new InvalidDataException($"embedded Linguist data '{resource}' is missing from the Workers assembly; run scripts/update-linguist-data.rb.");

    private sealed record LanguageTable(
        [property: JsonPropertyName("linguist_version")] string LinguistVersion,
        LanguageInfo[] Languages);
}
