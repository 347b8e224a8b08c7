using System.Text.Json;
using Cucos.Workers.Licenses;

namespace Cucos.Tests.Licenses;

/// <summary>
/// The banner and header forms packages write their licence in, each giving its SPDX id; dual licences as one OR;
/// licences a changelog or a sentence about another project names, reported as mentions; licence texts inside
/// JSON and JS strings.
/// </summary>
[Trait("Category", "Unit")]
public sealed class NoticeFormsTests
{
    private static readonly LicenseScanner Scanner = new(LicenseCatalog.Instance, LicenseNotices.Instance);

    private static FileLicenses Scan(string content, string path = "dist/widgets.css") =>
        Scanner.Scan(path, new StringReader(content), CancellationToken.None);

    private static string InBanner(string line) =>
        "/*!\n * Widgets v5.3.0 (https://widgets.example.org/)\n * Copyright 2011-2023 The Widgets Authors\n * " + line + "\n */\n.widget{display:block}\n";

    /// <summary>The phrasings <c>Data/license-notices.json</c> documents, each with the expression it must give.</summary>
    public static TheoryData<string, string> DocumentedPhrasings()
    {
        using var stream = typeof(LicenseNotices).Assembly.GetManifestResourceStream("Cucos.Orleans.Workers.Licenses.license-notices.json")!;
        using var document = JsonDocument.Parse(stream);
        var data = new TheoryData<string, string>();
        foreach (var phrasing in document.RootElement.GetProperty("phrasings").EnumerateObject())
            data.Add(phrasing.Name, phrasing.Value.GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(DocumentedPhrasings))]
    public void Every_documented_phrasing_gives_its_expression(string phrasing, string expression)
    {
        var file = Scan(InBanner(phrasing));

        var found = Assert.Single(file.Licenses);
        Assert.Equal(SpdxExpression.TryParse(expression, LicenseCatalog.Instance)!.ToString(), found.Expression);
        Assert.Equal(4, found.StartLine);
        Assert.Empty(file.Mentions);
    }

    public static TheoryData<string, string> BannerFormsOfCommonLicences()
    {
        string[] forms =
        [
            "Licensed under {0} (https://example.org/widgets/blob/main/LICENSE)", "Licensed under {0}.", "@license {0}",
            "({0} License)", "{0} Licensed", "Released under the {0} license", "SPDX-License-Identifier: {0}",
            "This file is licensed under the {0} license.",
        ];
        string[] ids =
        [
            "MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "ISC", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-or-later",
            "LGPL-2.1-or-later", "LGPL-3.0-only", "AGPL-3.0-or-later", "MPL-2.0", "EPL-2.0", "Unlicense", "CC0-1.0", "0BSD",
        ];
        var data = new TheoryData<string, string>();
        foreach (var form in forms)
            foreach (var id in ids)
                data.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, form, id), id);
        return data;
    }

    [Theory]
    [MemberData(nameof(BannerFormsOfCommonLicences))]
    public void A_banner_naming_a_common_licence_by_its_id_gives_that_id(string line, string id)
    {
        var found = Assert.Single(Scan(InBanner(line)).Licenses);

        Assert.Equal([id], found.LicenseIds);
        Assert.True(found.Confidence >= 0.85, $"confidence {found.Confidence}");
    }

    [Theory]
    [InlineData("SPDX-License-Identifier: (MIT OR Apache-2.0) AND BSD-3-Clause", "(MIT OR Apache-2.0) AND BSD-3-Clause")]
    [InlineData("SPDX-License-Identifier: GPL-2.0-or-later WITH Classpath-exception-2.0", "GPL-2.0-or-later WITH Classpath-exception-2.0")]
    [InlineData("SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception OR MIT", "Apache-2.0 WITH LLVM-exception OR MIT")]
    [InlineData("SPDX-License-Identifier: (LGPL-2.1-or-later OR MPL-1.1) AND MIT", "(LGPL-2.1-or-later OR MPL-1.1) AND MIT")]
    public void An_spdx_tag_with_an_expression_is_kept_whole(string line, string expression)
    {
        var found = Assert.Single(Scan(InBanner(line)).Licenses);

        Assert.Equal((LicenseMethod.SpdxTag, expression), (found.Method, found.Expression));
    }

    [Theory]
    [InlineData("CHANGELOG.md", "## 2.0.0\n\n- Relicensed from GPL-2.0 to the MIT license.\n- Fixed the Apache 2.0 notice in the readme.\n")]
    [InlineData("HISTORY.rst", "1.4 (2020-01-01)\n----------------\n\n* Now released under the BSD-3-Clause license.\n")]
    [InlineData("NEWS", "Version 3: the library is now distributed under the GNU Lesser General Public License version 2.1 or later.\n")]
    public void A_licence_named_in_a_changelog_is_a_mention(string path, string content)
    {
        var file = Scan(content, path);

        Assert.Empty(file.Licenses);
        Assert.NotEmpty(file.Mentions);
        Assert.All(file.Mentions, m => Assert.Equal(LicenseMethod.Mention, m.Method));
    }

    [Fact]
    public void A_readme_sentence_about_another_project_is_a_mention_and_the_readmes_own_licence_is_not()
    {
        var file = Scan("""
            # widgets

            Widgets draws widgets. It uses left-pad, which is MIT-licensed, and is based on Gadgets (ISC license).

            ## License

            This project is licensed under the Apache License, Version 2.0.
            """, "README.md");

        var own = Assert.Single(file.Licenses);
        Assert.Equal(("Apache-2.0", 7), (own.Expression, own.StartLine));
        Assert.Equal(["MIT", "ISC"], file.Mentions.Select(m => m.Expression));
        Assert.All(file.Mentions, m => Assert.Equal(3, m.StartLine));
    }

    [Fact]
    public void The_same_sentence_in_a_source_header_is_the_files_licence()
    {
        // In a source file "based on X, which is MIT licensed" licenses the code that follows.
        var file = Scan("/*\n * Based on Gadgets, which is MIT licensed.\n */\nint x;\n", "src/gadget.c");

        Assert.Equal(["MIT"], file.Licenses.Select(l => l.Expression));
        Assert.Empty(file.Mentions);
    }

    [Theory]
    [InlineData("\\r\\n")]
    [InlineData("\\n")]
    public void A_licence_text_inside_a_json_string_is_found_as_the_text(string lineBreak)
    {
        var escaped = LicenseTexts.Filled("OFL-1.1").Replace("\r", "").Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", lineBreak);
        // After the outlines, past the point where a long line of code is cut: the string is read as the text it holds.
        var json = "{\"familyName\":\"Widget Sans\",\"outlines\":\"" + Outlines + "\",\"license\":\"" + escaped + "\"}";

        var file = Scan(json, "fonts/widget-sans.json");

        var found = Assert.Single(file.Licenses, l => l.Method == LicenseMethod.FullText);
        Assert.Equal("OFL-1.1", found.Expression);
        Assert.True(found.Confidence >= SourceLicensesTask.SureConfidence, $"confidence {found.Confidence}");
        Assert.Equal((1, 1), (found.StartLine, found.EndLine));
    }

    [Fact]
    public void A_licence_text_inside_a_js_string_is_found_as_the_text()
    {
        var escaped = LicenseTexts.Filled("MIT").Replace("\r", "").Replace("'", "\\'").Replace("\n", "\\n");
        var file = Scan("var x=1;\nvar glyphs='" + Outlines + "';module.exports.licence = '" + escaped + "';\n", "dist/about.js");

        Assert.Equal([("MIT", 2)], file.Licenses.Where(l => l.Method == LicenseMethod.FullText).Select(l => (l.Expression, l.StartLine)));
    }

    // A font's glyph outlines as its JSON carries them: long enough to put what follows past 4096 characters.
    private static readonly string Outlines = string.Concat(Enumerable.Range(0, 600).Select(i => $"M{i} {i * 7 % 1000}L{i + 3} 9Z "));

    private const string ClassicBsd3 = """
        Redistribution and use in source and binary forms, with or without
        modification, are permitted provided that the following conditions
        are met:
        1. Redistributions of source code must retain the above copyright
           notice, this list of conditions and the following disclaimer.
        2. Redistributions in binary form must reproduce the above copyright
           notice, this list of conditions and the following disclaimer in the
           documentation and/or other materials provided with the distribution.
        3. The name of the author may not be used to endorse or promote products
           derived from this software without specific prior written permission.

        THIS SOFTWARE IS PROVIDED BY THE AUTHOR ``AS IS'' AND ANY EXPRESS OR
        IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES
        OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED.
        IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR ANY DIRECT, INDIRECT,
        INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT
        NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE,
        DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY
        THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
        (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF
        THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
        """;

    [Fact]
    public void The_classic_three_clause_bsd_with_the_authors_name_is_BSD_3_Clause()
    {
        var file = Scan(LicenseTexts.InCHeader("Copyright (c) 1998 Jane Doe\nAll rights reserved.\n\n" + ClassicBsd3), "src/getopt.c");

        Assert.Equal(["BSD-3-Clause"], file.Licenses.Select(l => l.Expression));
    }

    [Fact]
    public void A_bare_warranty_disclaimer_is_no_licence()
    {
        var disclaimer = ClassicBsd3[ClassicBsd3.IndexOf("THIS SOFTWARE", StringComparison.Ordinal)..];
        var file = Scan(LicenseTexts.InCHeader("Copyright (c) 1998 Jane Doe\n\n" + disclaimer), "src/util.c");

        Assert.DoesNotContain(file.Licenses, l => l.Confidence >= SourceLicensesTask.SureConfidence);
        Assert.DoesNotContain(file.Licenses, l => l.LicenseIds.Contains("BSD-1-Clause"));
    }
}
