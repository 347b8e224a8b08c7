using Cucos.Workers.Licenses;

namespace Cucos.Tests.Licenses;

/// <summary>Full licence texts from the vendored SPDX list, reformatted and embedded in source files, are recognised.</summary>
[Trait("Category", "Unit")]
public sealed class FullTextMatchingTests
{
    private static readonly LicenseScanner Scanner = new(LicenseCatalog.Instance, LicenseNotices.Instance);

    private static FileLicenses Scan(string content, string path = "src/file.c") =>
        Scanner.Scan(path, new StringReader(content), CancellationToken.None);

    private static string[] FullTextIds(FileLicenses file) =>
        file.Licenses.Where(l => l.Method == LicenseMethod.FullText).Select(l => l.Expression).ToArray();

    public static TheoryData<string> CommonLicenses() => new(Popularity.Common.Concat(["MPL-1.1", "Artistic-1.0", "AFL-3.0", "UPL-1.0", "NCSA", "ECL-2.0"]));

    [Theory]
    [MemberData(nameof(CommonLicenses))]
    public void A_licence_text_as_published_is_found_with_full_confidence(string id)
    {
        var file = Scan(LicenseTexts.Filled(id), "LICENSE");

        var finding = Assert.Single(file.Licenses, l => l.Method == LicenseMethod.FullText);
        Assert.Equal(id, finding.Expression);
        Assert.True(finding.Confidence >= 0.97, $"{id}: confidence {finding.Confidence}");
    }

    [Theory]
    [MemberData(nameof(CommonLicenses))]
    public void A_rewrapped_licence_in_a_C_header_with_a_copyright_line_is_found(string id)
    {
        var content = LicenseTexts.InCHeader(LicenseTexts.Reformatted(LicenseTexts.Filled(id), width: 61, bullet: "*"));
        var file = Scan(content);

        Assert.Equal([id], FullTextIds(file));
        var finding = file.Licenses.Single(l => l.Method == LicenseMethod.FullText);
        Assert.True(finding.Confidence >= SourceLicensesTask.SureConfidence, $"{id}: confidence {finding.Confidence}");
        Assert.InRange(finding.StartLine, 2, 12); // after the title, copyright and 'developed by' lines some licences have
        Assert.Equal(content.Split('\n').ToList().FindLastIndex(l => l.StartsWith(" * ", StringComparison.Ordinal) && l.Trim().Length > 2) + 1, finding.EndLine);
        Assert.Contains(file.Copyrights, c => c.Holder == "Example Widgets Ltd" && c.Line == 2);
    }

    [Theory]
    [MemberData(nameof(CommonLicenses))]
    public void A_narrowly_wrapped_licence_in_hash_comments_with_other_bullets_is_found(string id)
    {
        var file = Scan(LicenseTexts.InHashHeader(LicenseTexts.Reformatted(LicenseTexts.Filled(id), width: 38, bullet: "(a)")), "tool.py");

        Assert.Equal([id], FullTextIds(file));
    }

    [Theory]
    [InlineData("MIT", "MIT-0")]
    [InlineData("MIT", "X11")]
    [InlineData("MIT-0", "X11")]
    [InlineData("BSD-2-Clause", "BSD-3-Clause")]
    [InlineData("BSD-3-Clause", "BSD-4-Clause")]
    [InlineData("Apache-1.1", "Apache-2.0")]
    [InlineData("GPL-2.0-only", "LGPL-2.1-only")]
    [InlineData("GPL-3.0-only", "AGPL-3.0-only")]
    [InlineData("MPL-1.1", "MPL-2.0")]
    [InlineData("EPL-1.0", "EPL-2.0")]
    public void Close_relatives_are_told_apart(string one, string other)
    {
        foreach (var (id, relative) in new[] { (one, other), (other, one) })
        {
            var file = Scan(LicenseTexts.InCHeader(LicenseTexts.Reformatted(LicenseTexts.Filled(id), width: 70)));
            Assert.Equal([id], FullTextIds(file));
            Assert.DoesNotContain(file.Licenses, l => l.LicenseIds.Contains(relative));
        }
    }

    [Fact]
    public void Two_licence_texts_in_one_file_are_both_found_on_their_own_lines()
    {
        var mit = LicenseTexts.Filled("MIT");
        var apache = LicenseTexts.Filled("Apache-2.0");
        var content = mit + "\n\n----\n\n" + apache;
        var file = Scan(content, "LICENSE");

        Assert.Equal(["MIT", "Apache-2.0"], FullTextIds(file));
        var mitLines = mit.Split('\n').Length;
        Assert.True(file.Licenses.Single(l => l.Expression == "MIT").EndLine <= mitLines);
        Assert.True(file.Licenses.Single(l => l.Expression == "Apache-2.0" && l.Method == LicenseMethod.FullText).StartLine > mitLines + 2);
    }

    [Fact]
    public void A_licence_text_with_a_clause_removed_is_not_reported_as_that_licence()
    {
        // Apache-2.0 without sections 4 to 9 is no longer Apache-2.0 with any confidence.
        var text = LicenseTexts.Filled("Apache-2.0");
        var cut = text[..text.IndexOf("4. Redistribution", StringComparison.Ordinal)];
        var file = Scan(cut, "LICENSE");

        Assert.DoesNotContain(file.Licenses, l => l.Method == LicenseMethod.FullText && l.Confidence >= SourceLicensesTask.SureConfidence);
    }

    [Fact]
    public void Code_and_prose_are_not_licence_texts()
    {
        var content = string.Join('\n', Enumerable.Range(0, 200).Select(i =>
            $"    // the software is provided to the user, and the user may copy line {i} of it\n    int value{i} = compute({i});"));
        Assert.Empty(Scan(content).Licenses);
    }
}
