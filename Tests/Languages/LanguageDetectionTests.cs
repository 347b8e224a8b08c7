using System.Text;
using System.Text.Json;
using Cucos.Tests.Support;
using Cucos.Workers.Languages;

namespace Cucos.Tests.Languages;

/// <summary>A generated tree with a file per strategy and per common heuristic family, scanned once.</summary>
public sealed class DetectionTree : IAsyncLifetime
{
    private readonly TempDirectory root = new("cucos-languages");

    public Dictionary<string, FileLanguage> Results { get; private set; } = [];

    public async Task InitializeAsync()
    {
        foreach (var (path, content, _, _) in LanguageDetectionTests.Cases)
            root.WriteFile(path, Encoding.UTF8.GetBytes(content));
        var files = await LanguagesTask.ScanTreeAsync(root.Path, LinguistData.Instance, CancellationToken.None);
        Results = files.ToDictionary(f => f.Path);
    }

    public Task DisposeAsync()
    {
        root.Dispose();
        return Task.CompletedTask;
    }
}

[Trait("Category", "Unit")]
public sealed class LanguageDetectionTests(DetectionTree tree) : IClassFixture<DetectionTree>
{
    /// <summary>(path, content, the language Linguist's rules give, the strategy that decides).</summary>
    public static readonly (string Path, string Content, string Language, string Strategy)[] Cases =
    [
        // Modelines win over everything, at the start or the end of a file.
        ("modeline/notes", "some words\n# vim: set ft=python:\n", "Python", "modeline"),
        ("modeline/main.c", "// -*- mode: c++ -*-\nint main() { return 0; }\n", "C++", "modeline"),
        ("modeline/helper", ";; -*- emacs-lisp -*-\n(message \"hi\")\n", "Emacs Lisp", "modeline"),
        ("modeline/footer", string.Concat(Enumerable.Repeat("plain line\n", 20)) + "# vim: ft=ruby\n", "Ruby", "modeline"),
        // File names.
        ("filename/Makefile", "all:\n\techo hi\n", "Makefile", "filename"),
        ("filename/sub/Dockerfile", "FROM debian:12\nRUN true\n", "Dockerfile", "filename"),
        ("filename/CMakeLists.txt", "project(demo C)\n", "CMake", "filename"),
        ("filename/Gemfile", "source 'https://example.invalid'\ngem 'rake'\n", "Ruby", "filename"),
        // Interpreters named by "#!".
        ("shebang/run", "#!/usr/bin/env python3\nprint(1)\n", "Python", "shebang"),
        ("shebang/legacy", "#!/usr/local/bin/python2.7\nprint 'x'\n", "Python", "shebang"),
        ("shebang/serve", "#!/usr/bin/env -S node --no-warnings\nconsole.log(1)\n", "JavaScript", "shebang"),
        ("shebang/wish-app", "#!/bin/sh\n# restart with tclsh \\\nexec tclsh \"$0\" \"$@\"\nputs hi\n", "Tcl", "shebang"),
        // Extensions, the longest known one first.
        ("extension/a.rb", "puts 1\n", "Ruby", "extension"),
        ("extension/main.go", "package main\n", "Go", "extension"),
        ("extension/index.html.erb", "<p><%= name %></p>\n", "HTML+ERB", "extension"),
        ("extension/deploy.rake", "task :deploy do\nend\n", "Ruby", "extension"),
        ("extension/LEGACY.PY", "print(1)\n", "Python", "extension"),
        // An XML declaration in a file no other strategy knows.
        ("xml/app.settings2", "<?xml version=\"1.0\"?>\n<settings/>\n", "XML", "xml"),
        // Heuristics for ambiguous extensions.
        ("h/plain.h", "#include <stdio.h>\nint f(void);\n", "C", "heuristics"),
        ("h/vector.h", "#include <vector>\nclass A { public: int x; };\n", "C++", "heuristics"),
        ("h/objc.h", "#import <Foundation/Foundation.h>\n@interface A : NSObject\n@end\n", "Objective-C", "heuristics"),
        ("pl/perl.pl", "use strict;\nmy $x = 1;\nprint $x;\n", "Perl", "heuristics"),
        ("pl/prolog.pl", "parent(X, Y) :- father(X, Y).\n", "Prolog", "heuristics"),
        ("pl/raku.pl", "use v6;\nsay 'hi';\n", "Raku", "heuristics"),
        ("pm/Module.pm", "package A;\nuse strict;\n1;\n", "Perl", "heuristics"),
        ("pm/icon.pm", "/* XPM */\nstatic char *icon[] = {\n\"1 1 1 1\",\n};\n", "X PixMap", "heuristics"),
        ("m/objc.m", "#import \"A.h\"\n@implementation A\n@end\n", "Objective-C", "heuristics"),
        ("m/matlab.m", "% compute the square\nfunction y = f(x)\n  y = x .^ 2;\nend\n", "MATLAB", "heuristics"),
        ("m/mercury.m", ":- module hello.\n:- interface.\n", "Mercury", "heuristics"),
        ("ts/app.ts", "let x: number = 1;\nexport { x };\n", "TypeScript", "heuristics"),
        ("ts/strings_de.ts", "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<TS version=\"2.1\" language=\"de\"></TS>\n", "XML", "heuristics"),
        ("inc/page.inc", "<?php\necho 'hi';\n", "PHP", "heuristics"),
        ("inc/scene.inc", "#declare Radius = 2;\n", "POV-Ray SDL", "heuristics"),
        ("md/guide.md", "# Title\n\nSome text.\n", "Markdown", "heuristics"),
        ("md/machine.md", "(define_insn \"nop\"\n  [(const_int 0)]\n  \"\"\n  \"nop\")\n", "GCC Machine Description", "heuristics"),
        ("cs/Program.cs", "namespace Demo;\nclass Program {}\n", "C#", "heuristics"),
        ("cs/browser.cs", "!Object methodsFor: 'demo'!\n", "Smalltalk", "heuristics"),
        ("rs/main.rs", "use std::io;\nfn main() {}\n", "Rust", "heuristics"),
        ("rs/kernel.rs", "#pragma version(1)\n#pragma rs java_package_name(demo)\n", "RenderScript", "heuristics"),
        ("sql/function.sql", "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE plpgsql;\n", "PLpgSQL", "heuristics"),
        ("sql/batch.sql", "DECLARE @count int;\nSELECT @count = 1;\nGO\n", "TSQL", "heuristics"),
        ("sql/plain.sql", "SELECT name FROM users;\n", "SQL", "heuristics"),
        ("r/stats.r", "x <- c(1, 2)\nmean(x)\n", "R", "heuristics"),
        ("r/script.r", "REBOL [Title: \"demo\"]\nprint \"hi\"\n", "Rebol", "heuristics"),
        ("pp/unit.pp", "program Demo;\nbegin\nend.\n", "Pascal", "heuristics"),
        ("pp/site.pp", "class web {\n  file { '/srv':\n    ensure => directory,\n  }\n}\n", "Puppet", "heuristics"),
        ("v/top.v", "module top (input a, output b);\n  assign b = a;\nendmodule\n", "Verilog", "heuristics"),
        ("v/proof.v", "Theorem t : True.\nProof.\n  trivial.\nQed.\n", "Coq", "heuristics"),
        ("es/app.es", "%% a module\n-module(app).\n", "Erlang", "heuristics"),
        ("es/mod.es", "'use strict';\nexport default 1;\n", "JavaScript", "heuristics"),
        ("fs/lib.fs", "module Demo\nlet x = 1\n", "F#", "heuristics"),
        ("fs/shader.fs", "#version 330\nuniform vec3 color;\n", "GLSL", "heuristics"),
        ("fs/words.fs", ": square dup * ;\n", "Forth", "heuristics"),
        ("roff/tool.1", ".TH TOOL 1\n.SH NAME\ntool \\- does things\n", "Roff Manpage", "heuristics"),
        ("tsx/App.tsx", "import React from 'react';\nexport const App = () => <div className=\"app\">{title}</div>;\n", "TSX", "heuristics"),
        ("tsx/tiles.tsx", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tileset name=\"ground\" tilewidth=\"32\"/>\n", "XML", "heuristics"),
        ("txt/notes.txt", "hello there\n", "Text", "heuristics"),
        // No strategy decides among the candidates: the classifier does.
        ("classifier/report.cgi", "use strict;\nmy $query = CGI->new;\nprint $query->header;\nforeach my $key (keys %ENV) { print \"$key\\n\"; }\n", "Perl", "classifier"),
        ("classifier/form.cgi", "import cgi\n\ndef main():\n    form = cgi.FieldStorage()\n    print(form.getvalue('name'))\n\nif __name__ == '__main__':\n    main()\n", "Python", "classifier"),
        ("classifier/tool", "#!/usr/bin/perl -w\nuse strict;\nmy @items = (1, 2);\nforeach my $item (@items) { print \"$item\\n\"; }\n", "Perl", "classifier"),
    ];

    public static IEnumerable<object[]> CaseData() => Cases.Select(c => new object[] { c.Path, c.Language, c.Strategy });

    [Theory]
    [MemberData(nameof(CaseData))]
    public void Detects_the_language_with_linguists_strategy(string path, string language, string strategy)
    {
        var file = tree.Results[path];
        Assert.Equal((language, strategy), (file.Language, file.Strategy));
        Assert.False(file.Binary);
    }

    [Fact]
    public void A_language_carries_its_type_and_group()
    {
        Assert.Equal(("programming", "TypeScript"), (tree.Results["tsx/App.tsx"].Type, tree.Results["tsx/App.tsx"].Group));
        Assert.Equal(("markup", "HTML"), (tree.Results["extension/index.html.erb"].Type, tree.Results["extension/index.html.erb"].Group));
        Assert.Equal(("prose", "Markdown"), (tree.Results["md/guide.md"].Type, tree.Results["md/guide.md"].Group));
        Assert.Equal("data", tree.Results["xml/app.settings2"].Type);
    }

    [Fact]
    public void Every_pattern_of_linguists_heuristics_compiles_and_every_rule_names_known_languages()
    {
        using var stream = typeof(LinguistData).Assembly.GetManifestResourceStream("Linguist.heuristics.json")!;
        using var document = JsonDocument.Parse(stream);
        var patterns = document.RootElement.GetProperty("named_patterns").EnumerateObject().SelectMany(p => Strings(p.Value)).ToList();
        Collect(document.RootElement.GetProperty("disambiguations"), patterns);
        Assert.True(patterns.Count > 200, $"only {patterns.Count} patterns found");
        foreach (var pattern in patterns)
        {
            var regex = RubyRegex.Compile(pattern); // throws on a pattern the translation leaves invalid for .NET
            regex.SafeIsMatch("sample text\n");
        }
        Assert.True(LinguistData.Instance.Heuristics.Count > 80);
        Assert.All(LinguistData.Instance.Heuristics.SelectMany(h => h.Rules), rule => Assert.NotEmpty(rule.Languages));
    }

    private static IEnumerable<string> Strings(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(v => v.GetString()!) : [value.GetString()!];

    /// <summary>Every "pattern" and "negative_pattern" below <paramref name="element"/>, "and" blocks included.</summary>
    private static void Collect(JsonElement element, List<string> patterns)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
                Collect(item, patterns);
        }
        else if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name is "pattern" or "negative_pattern")
                    patterns.AddRange(Strings(property.Value));
                else
                    Collect(property.Value, patterns);
            }
        }
    }
}
