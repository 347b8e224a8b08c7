using System.Text;
using System.Text.RegularExpressions;

namespace Cucos.Workers.Licenses;

/// <summary>
/// Licence text as normalised words with the line each came from: lower case, punctuation and comment markers
/// gone, list bullets and copyright statements dropped, spelling variants folded. Reformatting a licence (rewrapping,
/// comment prefixes, other bullets, other quotes or dashes) leaves its words unchanged.
/// </summary>
public sealed class LicenseText
{
    private readonly List<string> words = [];
    private readonly List<int> lines = [];
    private readonly List<bool> sentenceStarts = [];

    // The next word begins a sentence: the text so far ended with ". ", "! ", "? " or "; " (or nothing came yet).
    private bool atSentenceStart = true;

    public IReadOnlyList<string> Words => words;

    /// <summary>The 1-based line of each word.</summary>
    public IReadOnlyList<int> Lines => lines;

    public int Count => words.Count;

    /// <summary>Whether word <paramref name="index"/> begins a sentence: what a notice's context is read within.</summary>
    public bool StartsSentence(int index) => sentenceStarts[index];

    // Comment markers and list bullets at the start of a line: what reformatting a licence adds or changes.
    private static readonly Regex LinePrefix = new(
        @"^\s*(?:(?://+!?|/\*+!?|\*+/?|#+!?|--+|;+|%+|!|'|\.\.|<!--|(?:rem|dnl)\s)\s*)*(?:(?:[-*•·+o]|\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)])\s+)?",
        RegexOptions.Compiled | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    // Spellings licences vary in that do not change their meaning.
    private static readonly Dictionary<string, string> Variants = new(StringComparer.Ordinal)
    {
        ["licence"] = "license", ["licences"] = "licenses", ["licenced"] = "licensed", ["licencing"] = "licensing",
        ["sublicence"] = "sublicense", ["acknowledgement"] = "acknowledgment", ["acknowledgements"] = "acknowledgments",
        ["organisation"] = "organization", ["authorised"] = "authorized", ["https"] = "http",
    };

    /// <summary>Adds one line of text; copyright statements are skipped (they are the variable part of every licence).</summary>
    public void AddLine(string line, int lineNumber, bool isTemplate = false)
    {
        var body = StripPrefix(line);
        if (body.Length == 0 || CopyrightFinder.IsStatement(body))
        {
            atSentenceStart = true; // a blank line or a copyright line ends the sentence before it
            return;
        }
        if (isTemplate)
            body = TemplatePlaceholders.Replace(body, " ");
        else
            body = DocumentUrls.Replace(body, m => " " + m.Groups[1].Value + " ");
        AddWords(body, lineNumber);
    }

    /// <summary>The line without leading comment markers and bullets.</summary>
    public static string StripPrefix(string line)
    {
        var prefix = LinePrefix.Match(line);
        return line[prefix.Length..].TrimEnd();
    }

    // <year>, <copyright holders>, [yyyy], [name of copyright owner]: the parts of a template a licensee fills in.
    private static readonly Regex TemplatePlaceholders = new(@"<[^<>\n]{1,80}>|\[[^\[\]\n]{0,80}\]", RegexOptions.Compiled);

    // <https://...> and <name@host> as a document writes them: the brackets go, the text stays.
    private static readonly Regex DocumentUrls = new(@"<([^<>\s]*(?:://|@)[^<>\s]*)>", RegexOptions.Compiled);

    private void AddWords(string text, int lineNumber)
    {
        var word = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '.' or '!' or '?' or ';' && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1])))
            {
                Flush();
                atSentenceStart = true;
                continue;
            }
            if (c == '&')
            {
                Flush();
                Add("and");
                continue;
            }
            if (char.IsAsciiLetterOrDigit(c))
                word.Append(char.ToLowerInvariant(c));
            else if (char.IsLetter(c))
                word.Append(Fold(c));
            else
                Flush();
        }
        Flush();

        void Flush()
        {
            if (word.Length == 0)
                return;
            Add(word.ToString());
            word.Clear();
        }

        void Add(string w)
        {
            words.Add(Variants.GetValueOrDefault(w, w));
            lines.Add(lineNumber);
            sentenceStarts.Add(atSentenceStart);
            atSentenceStart = false;
        }
    }

    // Accented letters compare as their base letter, so "Licença" and "Licenca" are the same word.
    private static string Fold(char c)
    {
        var decomposed = char.ToLowerInvariant(c).ToString().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder();
        foreach (var d in decomposed)
            if (char.IsAsciiLetterOrDigit(d))
                builder.Append(d);
        return builder.Length > 0 ? builder.ToString() : char.ToLowerInvariant(c).ToString();
    }

    /// <summary>Tokenises a whole text (a template or a test's input).</summary>
    public static LicenseText Of(string text, bool isTemplate = false)
    {
        var result = new LicenseText();
        var number = 0;
        foreach (var line in text.Split('\n'))
            result.AddLine(line.TrimEnd('\r'), ++number, isTemplate);
        return result;
    }

    /// <summary>The words joined by single spaces, with each word's start offset: what notice patterns match.</summary>
    public (string Text, int[] Starts) Joined()
    {
        var builder = new StringBuilder();
        var starts = new int[words.Count];
        for (var i = 0; i < words.Count; i++)
        {
            if (i > 0)
                builder.Append(' ');
            starts[i] = builder.Length;
            builder.Append(words[i]);
        }
        return (builder.ToString(), starts);
    }
}
