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
public sealed record FileLicenses(string Path, IReadOnlyList<LicenseFinding> Licenses, IReadOnlyList<CopyrightStatement> Copyrights, [property: Description("only the first MiB of the file was read")] bool Truncated);

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
            if (line.Length > 4096)
                line = line[..4096]; // minified code: a licence is never that far into a line
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
        foreach (var notice in notices.Find(joined, starts))
        {
            // A licence text quotes its own notice ("How to apply these terms") and has a title ("MIT License"):
            // neither is a second licence.
            if (fullTexts.Any(f => f.FirstWord - TitleWords <= notice.LastWord && notice.FirstWord <= f.LastWord))
                continue;
            if (SpdxExpression.TryParse(notice.Expression, catalog) is not { } expression)
                continue;
            findings.Add(new LicenseFinding(expression.ToString(), expression.LicenseIds(), notice.Kind,
                text.Lines[notice.FirstWord], text.Lines[notice.LastWord], notice.Confidence, notice.Text));
        }
        // "Under Section 7 of GPL version 3" in a file that grants GPL-3.0-or-later repeats that licence.
        var granted = findings.Where(f => f.Method != LicenseMethod.Reference).SelectMany(f => f.LicenseIds).Select(VersionBase).ToHashSet(StringComparer.Ordinal);
        findings.RemoveAll(f => f.Method == LicenseMethod.Reference && f.LicenseIds.Count > 0 && f.LicenseIds.All(id => granted.Contains(VersionBase(id))));
        // A file naming many licences by reference is a list of licences (spdx-license-ids, a licence chooser), not a notice.
        if (findings.Where(f => f.Method == LicenseMethod.Reference).SelectMany(f => f.LicenseIds).Distinct().Count() > MaxReferencedLicenses)
            findings.RemoveAll(f => f.Method == LicenseMethod.Reference);
        findings.Sort((a, b) => a.StartLine != b.StartLine ? a.StartLine.CompareTo(b.StartLine) : string.CompareOrdinal(a.Method, b.Method));
        return new FileLicenses(path, findings, copyrights, truncated);
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
