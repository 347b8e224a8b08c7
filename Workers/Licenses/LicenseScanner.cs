using System.ComponentModel;
using System.Text;
using System.Text.RegularExpressions;
using Cucos.Workers.Content;

namespace Cucos.Workers.Licenses;

/// <summary>How a licence was found in a file.</summary>
public static class LicenseMethod
{
    public const string SpdxTag = "spdx_tag";
    public const string FullText = "full_text";
    public const string Notice = "notice";
    public const string Reference = "reference";

    /// <summary>A licence the file talks about but does not carry: a changelog entry, "uses X, which is MIT-licensed".</summary>
    public const string Mention = "mention";
}

/// <summary>One licence found in a file: an SPDX expression (a single id for texts and notices) and where it is.</summary>
public sealed record LicenseFinding(
    [property: Description("an SPDX expression; a single id for texts and notices; as written for a tag that does not parse")] string Expression,
    IReadOnlyList<string> LicenseIds,
    string Method,
    int StartLine,
    int EndLine,
    double Confidence,
    [property: Description("the tag or the notice's words; null for full texts")] string? Matched);

/// <summary>What one file holds: licences and copyright statements.</summary>
public sealed record FileLicenses(
    string Path,
    [property: Description("the file's own licences")] IReadOnlyList<LicenseFinding> Licenses,
    [property: Description("licences the file names without carrying them (method 'mention'): changelog entries, sentences about other projects")] IReadOnlyList<LicenseFinding> Mentions,
    IReadOnlyList<CopyrightStatement> Copyrights,
    [property: Description("only the first MiB of the file was read")] bool Truncated);

/// <summary>
/// Scans one file for licences (SPDX tags, full texts, notices, references) and copyright statements. It reads the
/// file line by line and looks at the first <see cref="MaxScannedChars"/> characters, where licences live.
/// </summary>
public sealed partial class LicenseScanner(LicenseCatalog catalog, LicenseNotices notices)
{
    public const int MaxScannedChars = 1 << 20;
    private const double UnknownTagConfidence = 0.5;
    private const int TitleWords = 12;
    private const int MaxReferencedLicenses = 5;

    private readonly FullTextMatcher matcher = new(catalog);

    [GeneratedRegex(@"SPDX-License-Identifier\s*:\s*(.*?)\s*(?:\*/|-->|#\}|""""""|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SpdxTag();

    [GeneratedRegex(@"@licen[cs]e\s+([A-Za-z0-9][A-Za-z0-9.+\-() ]*?)\s*(?:\*/|$)", RegexOptions.CultureInvariant)]
    private static partial Regex LicenseTag();

    // A manifest's licence field: "license": "MIT" (package.json), license = "MIT OR Apache-2.0" (Cargo.toml,
    // pyproject), s.license = 'MIT' (gemspec), License: MIT (PKG-INFO), <license>MIT</license> (nuspec).
    [GeneratedRegex(@"(?:\blicen[cs]es?(?:[-_]expression)?[""']?\s*[:=]\s*[""']([^""'\n]{1,120})[""']|^licen[cs]e(?:-expression)?:\s*(\S.{0,119})$|<licen[cs]e(?:\s+type=""expression"")?>([^<]{1,120})</licen[cs]e>)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ManifestField();

    /// <summary>The licences and copyrights of a file, or null for a binary file.</summary>
    public FileLicenses? Scan(PackageFile file, CancellationToken cancellationToken)
    {
        using var stream = PackageFiles.OpenSequential(file.FullPath);
        var head = new byte[Math.Min(PackageFiles.BinarySniffLength, (int)Math.Min(file.Size, int.MaxValue))];
        stream.ReadExactly(head);
        if (PackageFiles.LooksBinary(head))
            return null;
        stream.Position = 0;
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Scan(file.Path, reader, cancellationToken);
    }

    public FileLicenses Scan(string path, TextReader reader, CancellationToken cancellationToken)
    {
        var text = new LicenseText();
        var findings = new List<LicenseFinding>();
        var copyrights = new List<CopyrightStatement>();
        var (lineNumber, chars, truncated) = (0, 0, false);
        while (reader.ReadLine() is { } line)
        {
            if (chars > MaxScannedChars)
            {
                truncated = true;
                break;
            }
            if (++lineNumber % 1024 == 0)
                cancellationToken.ThrowIfCancellationRequested();
            chars += line.Length + 1;
            // A licence text inside a JSON or JS string ("Copyright ...\r\nPermission is hereby granted ..."):
            // a font's metadata ships the OFL that way. Its escaped lines are read as lines.
            if (EscapedLines(line) is { } pieces)
            {
                foreach (var piece in pieces)
                    Read(piece);
                continue;
            }
            if (line.Length > 4096)
                line = line[..4096]; // minified code: a licence is never that far into a line
            Read(line);
        }

        void Read(string line)
        {
            if (CopyrightFinder.Find(line, lineNumber) is { } copyright)
                copyrights.Add(copyright);
            // A tag's words are not read again as a notice.
            if (TagOf(line, lineNumber) is { } tag)
                findings.Add(tag);
            else
                text.AddLine(line, lineNumber);
        }

        var fullTexts = matcher.Match(text);
        foreach (var match in fullTexts)
            findings.Add(new LicenseFinding(match.Template.Id, [match.Template.Id], LicenseMethod.FullText,
                text.Lines[match.FirstWord], text.Lines[match.LastWord], Math.Round(match.Score, 3), null));

        var (joined, starts) = text.Joined();
        var mentions = new List<LicenseFinding>();
        var changelog = IsChangelog(path);
        var prose = IsProse(path);
        foreach (var notice in notices.Find(joined, starts))
        {
            // A licence text quotes its own notice ("How to apply these terms") and has a title ("MIT License"):
            // neither is a second licence.
            if (fullTexts.Any(f => f.FirstWord - TitleWords <= notice.LastWord && notice.FirstWord <= f.LastWord))
                continue;
            if (SpdxExpression.TryParse(notice.Expression, catalog) is not { } expression)
                continue;
            var finding = new LicenseFinding(expression.ToString(), expression.LicenseIds(), notice.Kind,
                text.Lines[notice.FirstWord], text.Lines[notice.LastWord], notice.Confidence, notice.Text);
            if (changelog || (prose && AboutAnotherWork(text, notice.FirstWord)))
                mentions.Add(finding with { Method = LicenseMethod.Mention });
            else
                findings.Add(finding);
        }
        // "Under Section 7 of GPL version 3" in a file that grants GPL-3.0-or-later repeats that licence.
        var granted = findings.Where(f => f.Method != LicenseMethod.Reference).SelectMany(f => f.LicenseIds).Select(VersionBase).ToHashSet(StringComparer.Ordinal);
        findings.RemoveAll(f => f.Method == LicenseMethod.Reference && f.LicenseIds.Count > 0 && f.LicenseIds.All(id => granted.Contains(VersionBase(id))));
        // A file naming many licences by reference is a list of licences (spdx-license-ids, a licence chooser), not a notice.
        if (findings.Where(f => f.Method == LicenseMethod.Reference).SelectMany(f => f.LicenseIds).Distinct().Count() > MaxReferencedLicenses)
            findings.RemoveAll(f => f.Method == LicenseMethod.Reference);
        findings.Sort((a, b) => a.StartLine != b.StartLine ? a.StartLine.CompareTo(b.StartLine) : string.CompareOrdinal(a.Method, b.Method));
        return new FileLicenses(path, findings, mentions, copyrights, truncated);
    }

    // How many words before a licence name its sentence is read for a sign that it is about another work.
    private const int ContextWords = 12;

    // "uses X, which is MIT-licensed", "based on Y (Apache-2.0)", "bundles Z under the ISC licence": the sentence names
    // another work's licence. Read in prose files only: in a source header such a sentence licenses part of the file.
    [GeneratedRegex(@"\b(?:uses?|using|used by|which (?:is|are)|that (?:is|are)|based on|depends on|dependency|dependencies|derived from|fork of|port of|bundles?|bundled|vendored|includes? code|contains code|borrowed from|adapted from|taken from|inspired by|relicensed|changed (?:the )?licen[cs]e|switched|moved from)\b")]
    private static partial Regex AnotherWork();

    private static bool AboutAnotherWork(LicenseText text, int firstWord)
    {
        var start = firstWord;
        while (start > 0 && firstWord - start < ContextWords && !text.StartsSentence(start))
            start--;
        // The licence's own words count from the notice on: "which is MIT licensed" puts "which is" before it.
        return start < firstWord && AnotherWork().IsMatch(string.Join(' ', text.Words.Skip(start).Take(firstWord - start)));
    }

    // CHANGELOG.md, HISTORY.rst, NEWS, CHANGES.txt, RELEASE-NOTES: every licence they name is an entry's subject.
    private static bool IsChangelog(string path)
    {
        var name = Path.GetFileName(path).ToLowerInvariant();
        return ChangelogName().IsMatch(name);
    }

    [GeneratedRegex(@"^(?:change[-_ ]?log|changes|history|news|release[-_ ]?notes|releases)(?:\.[a-z0-9]+)?$")]
    private static partial Regex ChangelogName();

    // READMEs and documentation: prose in which a sentence may be about another project.
    private static bool IsProse(string path)
    {
        var name = Path.GetFileName(path).ToLowerInvariant();
        return name.StartsWith("readme", StringComparison.Ordinal)
            || Path.GetExtension(name) is ".md" or ".markdown" or ".rst" or ".adoc" or ".txt" or ".html" or ".htm";
    }

    // How much of one line holding escaped line breaks is read: a licence text with room to spare.
    private const int MaxEscapedChars = 64 * 1024;

    /// <summary>The lines of a line that holds text with escaped line breaks (\n, \r\n) and a licence word, else null.</summary>
    public static IReadOnlyList<string>? EscapedLines(string line)
    {
        if (line.Length < 200 || !line.Contains("\\n", StringComparison.Ordinal)
            || (line.IndexOf("licen", StringComparison.OrdinalIgnoreCase) is var at && (at < 0 || at > MaxEscapedChars)))
            return null;
        var head = line.Length > MaxEscapedChars ? line[..MaxEscapedChars] : line;
        var builder = new StringBuilder(head.Length);
        var pieces = new List<string>();
        for (var i = 0; i < head.Length; i++)
        {
            if (head[i] != '\\' || i + 1 == head.Length)
            {
                builder.Append(head[i]);
                continue;
            }
            var next = head[++i];
            switch (next)
            {
                case 'n':
                    pieces.Add(builder.ToString());
                    builder.Clear();
                    break;
                case 'r' or 't':
                    builder.Append(' ');
                    break;
                case 'u' when i + 4 < head.Length && int.TryParse(head.AsSpan(i + 1, 4), System.Globalization.NumberStyles.HexNumber, null, out var code):
                    builder.Append((char)code);
                    i += 4;
                    break;
                default:
                    builder.Append(next); // \" \' \\ \/
                    break;
            }
        }
        pieces.Add(builder.ToString());
        return pieces.Count > 2 ? pieces : null;
    }

    private LicenseFinding? TagOf(string line, int lineNumber)
    {
        if (line.Contains("SPDX-License-Identifier", StringComparison.OrdinalIgnoreCase) && SpdxTag().Match(line) is { Success: true } spdx)
        {
            var written = spdx.Groups[1].Value.Trim().TrimEnd(';', ',', '.', '"', '\'');
            var expression = SpdxExpression.TryParse(written, catalog);
            return expression is null
                ? new LicenseFinding(written, [], LicenseMethod.SpdxTag, lineNumber, lineNumber, 0, spdx.Value)
                : new LicenseFinding(expression.ToString(), expression.LicenseIds(), LicenseMethod.SpdxTag, lineNumber, lineNumber,
                    expression.AllKnown ? 1.0 : UnknownTagConfidence, spdx.Value);
        }
        // JSDoc's "@license MIT" and manifest fields: references when they name known licences.
        if (line.Contains("@licen", StringComparison.Ordinal) && LicenseTag().Match(line) is { Success: true } jsdoc
            && SpdxExpression.TryParse(jsdoc.Groups[1].Value, catalog) is { AllKnown: true } named)
            return new LicenseFinding(named.ToString(), named.LicenseIds(), LicenseMethod.Reference, lineNumber, lineNumber, 0.9, jsdoc.Value);
        if (line.Contains("icen", StringComparison.OrdinalIgnoreCase) && ManifestField().Match(line) is { Success: true } field
            && SpdxExpression.TryParse(FirstGroup(field).Trim(), catalog) is { AllKnown: true } declared)
            return new LicenseFinding(declared.ToString(), declared.LicenseIds(), LicenseMethod.Reference, lineNumber, lineNumber, 0.9, field.Value.Trim());
        return null;
    }

    private static string VersionBase(string id) =>
        id.EndsWith("-only", StringComparison.Ordinal) ? id[..^5] : id.EndsWith("-or-later", StringComparison.Ordinal) ? id[..^9] : id;

    private static string FirstGroup(Match match) => match.Groups.Cast<Group>().Skip(1).First(g => g.Success).Value;
}
