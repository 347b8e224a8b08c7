using System.Text.RegularExpressions;

namespace Cucos.Workers.Languages;

/// <summary>A detected language and the strategy that decided it.</summary>
public sealed record Detection(LanguageInfo Language, string Strategy);

/// <summary>What detection reads of a text file.</summary>
/// <param name="FileName">The base name.</param>
/// <param name="Head">The start of the file (up to 128 KiB), one character per byte.</param>
/// <param name="FirstLines">The first lines, for modelines.</param>
/// <param name="LastLines">The last lines of the whole file, for modelines.</param>
public sealed record DetectionInput(string FileName, string Head, IReadOnlyList<string> FirstLines, IReadOnlyList<string> LastLines);

/// <summary>
/// Linguist's strategies in Linguist's order: modeline, filename, shebang, extension, XML declaration, man page
/// extension, heuristics, classifier. A strategy that finds exactly one language decides; one that finds several
/// narrows the candidates for the next; one that finds none leaves them as they were.
/// </summary>
public static partial class LanguageDetector
{
    /// <summary>Heuristics and the classifier read this much of a file, as Linguist does.</summary>
    public const int ContentBytes = 50 * 1024;

    public static Detection? Detect(DetectionInput input, LinguistData data)
    {
        IReadOnlyList<LanguageInfo> candidates = [];
        var content = input.Head.Length > ContentBytes ? input.Head[..ContentBytes] : input.Head;
        var lowerName = input.FileName.ToLowerInvariant();

        var strategies = new (string Name, Func<IReadOnlyList<LanguageInfo>, IReadOnlyList<LanguageInfo>> Find)[]
        {
            ("modeline", _ => ModelineLanguage(input, data) is { } language ? [language] : []),
            ("filename", current => Narrow(current, data.ByFilename(input.FileName))),
            ("shebang", current => Shebang.Interpreter(input.Head) is { } interpreter ? Narrow(current, data.ByInterpreter(interpreter)) : []),
            ("extension", current => data.GenericExtensions.Any(lowerName.EndsWith) ? current : Narrow(current, data.ByExtension(input.FileName))),
            ("xml", current => current.Count == 0 && XmlDeclaration().IsMatch(string.Join('\n', input.FirstLines.Take(2))) && data.Find("XML") is { } xml ? [xml] : current),
            ("manpage", current => current.Count == 0 && ManpageName().IsMatch(input.FileName)
                ? new[] { data.Find("Roff Manpage"), data.Find("Roff") }.OfType<LanguageInfo>().ToArray()
                : current),
            ("heuristics", _ => data.Heuristics.FirstOrDefault(h => h.AppliesTo(lowerName))?.Decide(content) ?? []),
        };
        foreach (var (name, find) in strategies)
        {
            var found = find(candidates);
            if (found.Count == 1)
                return new Detection(found[0], name);
            if (found.Count > 1)
                candidates = found;
        }

        if (candidates.Count == 0)
            return null;
        return data.Classifier.Rank(content, candidates) is { } ranked
            ? new Detection(ranked[0], "classifier")
            : new Detection(candidates[0], "first_candidate");
    }

    private static LanguageInfo? ModelineLanguage(DetectionInput input, LinguistData data)
    {
        var header = string.Join('\n', input.FirstLines.Take(Modeline.SearchLines));
        if (header.Contains("UseVimball", StringComparison.Ordinal)) // a Vimball archive's modeline describes the archive
            return null;
        var mode = Modeline.Mode(header + "\n" + string.Join('\n', input.LastLines.TakeLast(Modeline.SearchLines)));
        return mode is null ? null : data.FindByAlias(mode);
    }

    /// <summary>The languages found, kept to the current candidates when there are some.</summary>
    private static IReadOnlyList<LanguageInfo> Narrow(IReadOnlyList<LanguageInfo> current, IReadOnlyList<LanguageInfo> found) =>
        current.Count == 0 ? found : current.Where(found.Contains).ToArray();

    /// <summary>Linguist's XML strategy looks for "xml version=" (the '&lt;?' being optional) in the first two lines.</summary>
    [GeneratedRegex("<?xml version=")]
    private static partial Regex XmlDeclaration();

    /// <summary>Man page sections: ".1" to ".9" with an optional suffix (".3pm", ".1x"), ".0p", ".n", ".man", ".mdoc", optionally ".in".</summary>
    [GeneratedRegex(@"\.(?:[1-9](?:[a-z_][a-z_0-9]*)?|0p|n|man|mdoc)(?:\.in)?$", RegexOptions.IgnoreCase)]
    private static partial Regex ManpageName();
}
