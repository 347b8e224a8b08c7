using System.Text;
using System.Text.Json;
using Cucos.Tests.Support;
using Cucos.Workers.Licenses;

namespace Cucos.Tests.Licenses;

/// <summary>Tags, notices, copyrights, the overall expression and the declared-licence comparison of source_licenses.</summary>
[Trait("Category", "Unit")]
public sealed class SourceLicensesTaskTests : IDisposable
{
    private static readonly LicenseScanner Scanner = new(LicenseCatalog.Instance, LicenseNotices.Instance);
    private readonly TempDirectory work = new("cucos-licenses");

    public void Dispose() => work.Dispose();

    private static FileLicenses Scan(string content) => Scanner.Scan("src/file", new StringReader(content), CancellationToken.None);

    [Theory]
    [InlineData("// SPDX-License-Identifier: MIT", "MIT", 1.0)]
    [InlineData("/* SPDX-License-Identifier: (mit OR apache-2.0) */", "MIT OR Apache-2.0", 1.0)]
    [InlineData("# SPDX-License-Identifier: GPL-2.0+", "GPL-2.0-or-later", 1.0)]
    [InlineData("-- SPDX-License-Identifier: LGPL-2.1", "LGPL-2.1-only", 1.0)]
    [InlineData("SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note", "GPL-2.0-only WITH Linux-syscall-note", 1.0)]
    [InlineData("SPDX-License-Identifier: (MIT OR Apache-2.0) AND BSD-3-Clause", "(MIT OR Apache-2.0) AND BSD-3-Clause", 1.0)]
    [InlineData("SPDX-License-Identifier: LicenseRef-Proprietary", "LicenseRef-Proprietary", 1.0)]
    [InlineData("SPDX-License-Identifier: Made-Up-1.0", "Made-Up-1.0", 0.5)]
    [InlineData("SPDX-License-Identifier: MIT OR", "MIT OR", 0.0)]
    public void An_spdx_tag_gives_its_expression_in_canonical_form(string line, string expression, double confidence)
    {
        var file = Scan("#include <stdio.h>\n" + line + "\nint x;\n");

        var tag = Assert.Single(file.Licenses);
        Assert.Equal((LicenseMethod.SpdxTag, expression, 2, 2, confidence), (tag.Method, tag.Expression, tag.StartLine, tag.EndLine, tag.Confidence));
    }

    [Theory]
    [InlineData("""
        This program is free software; you can redistribute it and/or modify
        it under the terms of the GNU General Public License as published by
        the Free Software Foundation; either version 2 of the License, or
        (at your option) any later version.
        """, "GPL-2.0-or-later", LicenseMethod.Notice)]
    [InlineData("""
        This program is free software; you can redistribute it and/or modify it
        under the terms of the GNU General Public License version 2 as published
        by the Free Software Foundation.
        """, "GPL-2.0-only", LicenseMethod.Notice)]
    [InlineData("""
        This library is free software; you can redistribute it and/or
        modify it under the terms of the GNU Lesser General Public
        License as published by the Free Software Foundation; either
        version 2.1 of the License, or (at your option) any later version.
        """, "LGPL-2.1-or-later", LicenseMethod.Notice)]
    [InlineData("""
        it under the terms of the GNU Affero General Public License as published by
        the Free Software Foundation, either version 3 of the License, or
        """, "AGPL-3.0-only", LicenseMethod.Notice)]
    [InlineData("""
        Licensed under the Apache License, Version 2.0 (the "License");
        you may not use this file except in compliance with the License.
        """, "Apache-2.0", LicenseMethod.Notice)]
    [InlineData("""
        This Source Code Form is subject to the terms of the Mozilla Public
        License, v. 2.0. If a copy of the MPL was not distributed with this
        """, "MPL-2.0", LicenseMethod.Notice)]
    [InlineData("This library is free software; you can redistribute it and/or modify\nit under the same terms as Perl itself.", "Artistic-1.0-Perl OR GPL-1.0-or-later", LicenseMethod.Notice)]
    [InlineData("Released under the MIT license.", "MIT", LicenseMethod.Notice)]
    [InlineData("Distributed under the Boost Software License, Version 1.0.", "BSL-1.0", LicenseMethod.Reference)]
    [InlineData("This work is licensed under a Creative Commons Attribution-ShareAlike 4.0 International License.", "CC-BY-SA-4.0", LicenseMethod.Reference)]
    [InlineData("Licensed under the Eclipse Public License v2.0", "EPL-2.0", LicenseMethod.Notice)]
    [InlineData("@license MIT", "MIT", LicenseMethod.Reference)]
    public void A_notice_or_reference_in_a_header_gives_its_licence_and_lines(string notice, string expression, string method)
    {
        var lines = notice.Split('\n');
        var file = Scan("/*\n" + string.Join('\n', lines.Select(l => " * " + l)) + "\n */\nint main;\n");

        var found = Assert.Single(file.Licenses);
        Assert.Equal((expression, method), (found.Expression, found.Method));
        Assert.Equal(2, found.StartLine);
        Assert.InRange(found.EndLine, 2, lines.Length + 1);
    }

    [Fact]
    public void Copyright_statements_and_holders_are_found_and_prose_about_copyright_is_not()
    {
        var file = Scan("""
            // Copyright (c) 2014-2020, Jane Doe <jane@example.org>
            # Copyright 2019 The Go Authors. All rights reserved.
             * © 2021 ACME Corp.
            Copyright (C) 1999 by Example Widgets Ltd
            // the above copyright notice and this permission notice
            Copyright holders may not be named.
            """);

        Assert.Equal(
            [(1, "Jane Doe <jane@example.org>", "2014-2020"), (2, "The Go Authors", "2019"), (3, "ACME Corp", "2021"), (4, "Example Widgets Ltd", "1999")],
            file.Copyrights.Select(c => (c.Line, c.Holder, c.Years)));
    }

    private void WriteLicence(string path, string id) => work.WriteFile(path, Encoding.UTF8.GetBytes(LicenseTexts.Filled(id)));

    private void WriteSource(string path, string content) => work.WriteFile(path, Encoding.UTF8.GetBytes(content));

    private static JsonElement Metadata(string? raw, string? expression) => JsonSerializer.SerializeToElement(new
    {
        status = "success",
        details = new { declared_license = new { raw, expression } },
    });

    private async Task<JsonElement> RunAsync(JsonElement? metadata = null)
    {
        var document = await WorkerRun.DocumentAsync(new SourceLicensesTask(), work.Path,
            metadata is { } m ? new Dictionary<string, JsonElement> { [SourceLicensesTask.MetadataTask] = m } : null);
        ResultSchemas.AssertValid("source_licenses", document);
        return document;
    }

    [Theory]
    [InlineData("either version 2 of the License, or\n * (at your option) any later version.", "GPL-2.0-or-later")]
    [InlineData("version 2 of the License.", "GPL-2.0-only")]
    public async Task A_GPL_text_and_the_headers_decide_between_only_and_or_later(string versionClause, string expected)
    {
        WriteLicence("COPYING", "GPL-2.0-only");
        WriteSource("src/main.c", "/*\n * This program is free software; you can redistribute it and/or modify\n * it under the terms of the GNU General Public License as published by\n * the Free Software Foundation; " + versionClause + "\n */\n");

        var summary = (await RunAsync()).GetProperty("summary");

        Assert.Equal(expected, summary.GetProperty("expression").GetString());
    }

    [Fact]
    public async Task A_dual_licence_is_one_choice_and_the_declared_licence_matches_it()
    {
        WriteLicence("LICENSE-MIT", "MIT");
        WriteLicence("LICENSE-APACHE", "Apache-2.0");
        WriteSource("src/lib.rs", "// SPDX-License-Identifier: MIT OR Apache-2.0\npub fn f() {}\n");
        WriteSource("vendor/sha.c", "/* Copyright (c) 2004 Example Widgets Ltd */\n/* SPDX-License-Identifier: BSD-3-Clause */\n");

        var document = await RunAsync(Metadata("MIT/Apache-2.0", "MIT OR Apache-2.0"));
        var summary = document.GetProperty("summary");

        Assert.Equal("(MIT OR Apache-2.0) AND BSD-3-Clause", summary.GetProperty("expression").GetString());
        Assert.Equal(["Apache-2.0", "BSD-3-Clause", "MIT"], summary.GetProperty("sure").EnumerateArray().Select(s => s.GetString()!));
        Assert.Equal(2, summary.GetProperty("licenses").GetProperty("MIT").GetInt32());
        Assert.Equal("partial", summary.GetProperty("declared_match").GetString());
        var comparison = document.GetProperty("details").GetProperty("declared_comparison");
        Assert.Equal(["BSD-3-Clause"], comparison.GetProperty("found_not_declared").EnumerateArray().Select(s => s.GetString()!));
        Assert.Contains(document.GetProperty("details").GetProperty("holders").EnumerateArray(),
            h => h.GetProperty("holder").GetString() == "Example Widgets Ltd");
    }

    [Theory]
    [InlineData("MIT", "MIT", "match")]
    [InlineData(null, "MIT", "match")]
    [InlineData("Apache-2.0", null, "mismatch")]
    [InlineData("Apache License 2.0", null, "mismatch")]
    [InlineData("MIT AND ISC", null, "partial")]
    [InlineData("see LICENSE file", null, "unknown")]
    public async Task The_declared_licence_is_compared_with_the_files(string? raw, string? expression, string status)
    {
        WriteLicence("LICENSE", "MIT");
        WriteSource("index.js", "/*! SPDX-License-Identifier: MIT */\nmodule.exports = 1;\n");

        var document = await RunAsync(Metadata(raw, expression));

        Assert.Equal(status, document.GetProperty("summary").GetProperty("declared_match").GetString());
        Assert.Equal(status is "partial" or "mismatch", document.GetProperty("details").GetProperty("declared_comparison").GetProperty("mismatch").GetBoolean());
    }

    [Fact]
    public async Task Without_a_metadata_result_the_comparison_is_unknown_and_binary_files_are_skipped()
    {
        WriteLicence("LICENSE", "ISC");
        work.WriteFile("lib/blob.bin", [0, 1, 2, 0, 77, 73, 84]);

        var document = await RunAsync();

        Assert.Equal("ISC", document.GetProperty("summary").GetProperty("expression").GetString());
        Assert.Equal("unknown", document.GetProperty("summary").GetProperty("declared_match").GetString());
        Assert.Equal(1, document.GetProperty("details").GetProperty("binary_files").GetInt32());
    }
}
