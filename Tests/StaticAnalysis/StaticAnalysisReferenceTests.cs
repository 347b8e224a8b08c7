using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Cucos.Tests.Support;
using Cucos.Workers.StaticAnalysis;

namespace Cucos.Tests.StaticAnalysis;

/// <summary>
/// The real analysers (Debian packages of .ci/apt-packages) on fixtures with known defects: the worker reports what
/// each analyser prints when run by hand on the same files, and nothing from outside the package.
/// </summary>
[Trait("Category", "ReferenceTool")]
public sealed partial class StaticAnalysisReferenceTests
{
    private const string DefectsC = """
        #include <stdlib.h>
        #include <string.h>

        int out_of_bounds(void)
        {
            int buffer[10];
            buffer[10] = 1;
            return buffer[0];
        }

        void leak(void)
        {
            char *p = malloc(16);
            strcpy(p, "x");
        }

        int null_deref(void)
        {
            int *p = NULL;
            return *p;
        }

        """;

    private const string DefectsSh = """
        #!/bin/sh
        unused=1
        rm -rf $1/*
        echo `date`
        if [ $x == 1 ]; then echo yes; fi

        """;

    private const string DefectsPy = """
        import os
        import subprocess
        import pickle


        def run(command, blob):
            password = "hunter2"
            subprocess.call(command, shell=True)
            return pickle.loads(blob) + undefined_name

        """;

    private const string DefectsJs = """
        const fs = require("fs");

        function check(a) {
          if (a == NaN) {
            return undefinedThing;
          }
          debugger;
          const x = 1;
          x = 2;
          return a;
        }

        module.exports = check;

        """;

    private const string DefectsTs = """
        import { readFileSync } from "fs";

        interface Shape {
          size: number;
        }

        export function area(shape: Shape): any {
          let unused: number = 3;
          if (shape.size === NaN) return 0;
          return shape.size * shape.size;
        }

        """;

    private static TempDirectory Fixture(out string package)
    {
        var temp = new TempDirectory("cucos-static");
        package = temp.Combine("package");
        Directory.CreateDirectory(package);
        File.WriteAllText(Path.Combine(package, "defects.c"), DefectsC);
        File.WriteAllText(Path.Combine(package, "defects.sh"), DefectsSh);
        Directory.CreateDirectory(Path.Combine(package, "lib"));
        File.WriteAllText(Path.Combine(package, "lib", "defects.py"), DefectsPy);
        File.WriteAllText(Path.Combine(package, "lib", "defects.js"), DefectsJs);
        File.WriteAllText(Path.Combine(package, "lib", "area.ts"), DefectsTs);
        return temp;
    }

    [Fact]
    public async Task Each_analyser_reports_what_it_prints_when_run_by_hand_on_the_same_files()
    {
        using var temp = Fixture(out var package);
        var (document, details) = await StaticAnalysisPackage.AnalyseAsync(package);

        Assert.All(details.Analysers, a => Assert.Equal(AnalyserStatus.Ran, a.Status));
        Assert.Equal(Sorted(ByHand.Cppcheck(package, "./defects.c")), Sorted(Of(details, "cppcheck")));
        Assert.Equal(Sorted(ByHand.Shellcheck(package, "./defects.sh")), Sorted(Of(details, "shellcheck")));
        Assert.Equal(Sorted(ByHand.Pyflakes(package, "./lib/defects.py")), Sorted(Of(details, "pyflakes")));
        Assert.Equal(Sorted(ByHand.Bandit(package, "./lib/defects.py")), Sorted(Of(details, "bandit")));
        Assert.Equal(Sorted(ByHand.Eslint(package, "./lib/area.ts", "./lib/defects.js")), Sorted(Of(details, "eslint")));

        // The known defects of each kind, with the CWE cppcheck names.
        var nullPointer = Assert.Single(details.Findings, f => f.RuleId == "nullPointer");
        Assert.Equal(("defects.c", 20, "error", "return *p;"), (nullPointer.File, nullPointer.Line, nullPointer.Severity, nullPointer.Snippet));
        Assert.Equal([476], nullPointer.Cwe);
        Assert.Contains(details.Findings, f => f.RuleId == "arrayIndexOutOfBounds" && f.Line == 7);
        Assert.Contains(details.Findings, f => f.RuleId == "memleak");
        Assert.Contains(details.Findings, f => f is { Analyser: "shellcheck", RuleId: "SC2034", Line: 2 });
        Assert.Contains(details.Findings, f => f is { Analyser: "pyflakes", RuleId: "UndefinedName", File: "lib/defects.py", Line: 9 });
        Assert.Contains(details.Findings, f => f is { Analyser: "bandit", RuleId: "B602", Severity: "error", Line: 8 });
        Assert.Contains(details.Findings, f => f is { Analyser: "eslint", RuleId: "no-const-assign", File: "lib/defects.js", Line: 9, Column: 3, Severity: "error", Snippet: "x = 2;" });
        Assert.Contains(details.Findings, f => f is { Analyser: "eslint", RuleId: "no-undef", Line: 5 });
        Assert.Contains(details.Findings, f => f is { Analyser: "eslint", RuleId: "@typescript-eslint/no-explicit-any", File: "lib/area.ts", Line: 7 });
        Assert.Contains(details.Findings, f => f is { Analyser: "eslint", RuleId: "use-isnan", File: "lib/area.ts", Line: 9 });
        Assert.Equal("10.15.0", details.Analyser("eslint").Version);

        var summary = document.GetProperty("summary");
        Assert.Equal(details.Findings.Count, summary.GetProperty("findings").GetInt32());
        Assert.Equal(1, summary.GetProperty("files_analysed").GetProperty("Python").GetInt32());
        Assert.Equal(1, summary.GetProperty("files_analysed").GetProperty("TypeScript").GetInt32());
        Assert.Equal(3, summary.GetProperty("findings_by_analyser").GetProperty("cppcheck").GetProperty("error").GetInt32());
        Assert.Equal(0, summary.GetProperty("analysers_not_run").GetArrayLength());

        var sarif = StaticAnalysisSarif.FromResult(document);
        SarifSchema.AssertValid(sarif);
        Assert.Equal(details.Findings.Count, sarif["runs"]!.AsArray().Sum(r => r!["results"]!.AsArray().Count));
        Assert.Equal("2.10", (string?)sarif["runs"]![0]!["tool"]!["driver"]!["version"]);
        var eslintRun = Assert.Single(sarif["runs"]!.AsArray(), r => (string?)r!["tool"]!["driver"]!["name"] == "eslint")!;
        Assert.Equal(details.Analyser("eslint").Findings, eslintRun["results"]!.AsArray().Count);
    }

    [Fact]
    public async Task Names_with_spaces_newlines_and_leading_dashes_reach_the_analysers_and_the_findings_whole()
    {
        using var temp = new TempDirectory("cucos-static");
        var package = temp.Combine("package");
        Directory.CreateDirectory(package);
        File.WriteAllText(Path.Combine(package, "-rf x.c"), "int f(void) { int *p = 0; return *p; }\n");
        File.WriteAllText(Path.Combine(package, "--version.sh"), "#!/bin/sh\nunused=1\n");
        File.WriteAllText(Path.Combine(package, "new\nline.py"), "import os\n");
        File.WriteAllText(Path.Combine(package, "--fix y.js"), "debugger;\n");

        var (_, details) = await StaticAnalysisPackage.AnalyseAsync(package);

        Assert.Contains(details.Findings, f => f is { Analyser: "cppcheck", RuleId: "nullPointer", File: "-rf x.c" });
        Assert.Contains(details.Findings, f => f is { Analyser: "shellcheck", RuleId: "SC2034", File: "--version.sh" });
        Assert.Contains(details.Findings, f => f is { Analyser: "pyflakes", RuleId: "UnusedImport", File: "new\nline.py" });
        Assert.Contains(details.Findings, f => f is { Analyser: "eslint", RuleId: "no-debugger", File: "--fix y.js" });
        Assert.All(details.Analysers, a => Assert.Equal(AnalyserStatus.Ran, a.Status));
    }

    [Fact]
    public async Task Nothing_outside_the_package_is_analysed_or_reported()
    {
        using var temp = new TempDirectory("cucos-static");
        var package = temp.Combine("package");
        var outside = temp.Combine("outside");
        Directory.CreateDirectory(package);
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "secret.c"), "int leak(void) { int *p = 0; return *p; }\n");
        File.WriteAllText(Path.Combine(outside, "evil.h"), "static int f(void) { int *p = 0; return *p; }\n");
        File.CreateSymbolicLink(Path.Combine(package, "linked.c"), Path.Combine(outside, "secret.c"));
        File.WriteAllText(Path.Combine(package, "includes.c"), "#include \"../outside/evil.h\"\nint g(void) { return f(); }\n");

        var (_, details) = await StaticAnalysisPackage.AnalyseAsync(package);

        Assert.DoesNotContain(details.Findings, f => f.File != "includes.c");
        Assert.Equal(1, details.FindingsOutsidePackage);
        Assert.Equal(1, details.Analyser("cppcheck").Files);
    }

    [Fact]
    public async Task A_large_generated_C_file_is_left_out_as_Linguist_leaves_it_out()
    {
        using var temp = new TempDirectory("cucos-static");
        var package = temp.Combine("package");
        Directory.CreateDirectory(package);
        var generated = new StringBuilder("/* Generated by Cython 3.0.0 */\n");
        for (var i = 0; generated.Length < 4 * 1024 * 1024; i++)
            generated.Append(CultureInfo.InvariantCulture, $"int f{i}(void) {{ int *p = 0; return *p; }}\n");
        File.WriteAllText(Path.Combine(package, "module.c"), generated.ToString());
        File.WriteAllText(Path.Combine(package, "main.c"), "int main(void) { int a[2]; a[2] = 0; return a[0]; }\n");

        var (document, details) = await StaticAnalysisPackage.AnalyseAsync(package);

        Assert.Equal(1, details.Analyser("cppcheck").Files);
        Assert.All(details.Findings, f => Assert.Equal("main.c", f.File));
        Assert.Contains(details.Findings, f => f.RuleId == "arrayIndexOutOfBounds");
        Assert.Equal(1, document.GetProperty("summary").GetProperty("files_analysed").GetProperty("C").GetInt32());
    }

    /// <summary>50 MB of plain C that Linguist counts (not marked generated), and a small file with a defect beside it.</summary>
    private static string HugePackage(TempDirectory temp)
    {
        var package = temp.Combine("package");
        Directory.CreateDirectory(package);
        using (var huge = new StreamWriter(Path.Combine(package, "huge.c")))
            for (var i = 0; huge.BaseStream.Position < 50L * 1024 * 1024; i++)
                huge.Write(string.Create(CultureInfo.InvariantCulture, $"int f{i}(int *p, int n) {{ int a[4]; if (n > 3) return a[4]; return p ? *p + n : n; }}\n"));
        File.WriteAllText(Path.Combine(package, "main.c"), "int main(void) { int a[2]; a[2] = 0; return a[0]; }\n");
        return package;
    }

    [Fact]
    public async Task A_50_MB_C_file_is_given_to_no_analyser_and_counted_and_the_rest_is_analysed()
    {
        using var temp = new TempDirectory("cucos-static");
        var package = HugePackage(temp);

        var (document, details) = await StaticAnalysisPackage.AnalyseAsync(package);

        Assert.Equal(["huge.c"], details.FilesTooLarge);
        Assert.Equal(8L * 1024 * 1024, details.Sandbox.MaxFileBytes);
        var cppcheck = details.Analyser("cppcheck");
        Assert.Equal((AnalyserStatus.Ran, 1), (cppcheck.Status, cppcheck.Files));
        Assert.Contains(details.Findings, f => f is { File: "main.c", RuleId: "arrayIndexOutOfBounds" });
        Assert.DoesNotContain(details.Findings, f => f.File == "huge.c");
        Assert.Equal(1, document.GetProperty("summary").GetProperty("files_analysed").GetProperty("C").GetInt32());
    }

    [Fact]
    public async Task A_50_MB_C_file_let_through_by_the_size_setting_is_cut_off_by_the_analysers_time_limit()
    {
        using var temp = new TempDirectory("cucos-static");
        var package = HugePackage(temp);

        var (_, details) = await StaticAnalysisPackage.AnalyseAsync(package, new()
        {
            ["Cucos:StaticAnalysis:MaxFileBytes"] = (64L * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
            ["Cucos:StaticAnalysis:AnalyserTimeoutSeconds"] = "5",
        });

        Assert.Empty(details.FilesTooLarge);
        var cppcheck = details.Analyser("cppcheck");
        Assert.True(cppcheck is { Status: AnalyserStatus.Timeout, Files: 2 }, $"cppcheck on 50 MB in 5 s: {cppcheck}");
        Assert.Contains("Cucos:StaticAnalysis:AnalyserTimeoutSeconds", cppcheck.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(details.Findings, f => f.Analyser == "cppcheck");
    }

    private static IEnumerable<string> Of(StaticAnalysisDetails details, string analyser) =>
        details.Findings.Where(f => f.Analyser == analyser).Select(f => $"{f.RuleId}@{f.File}:{f.Line}:{f.Column}:{f.Message}");

    private static string[] Sorted(IEnumerable<string> findings) => [.. findings.Order(StringComparer.Ordinal)];

    /// <summary>Each analyser run directly, its report read here, independently of the worker's adapters.</summary>
    private static partial class ByHand
    {
        private static readonly int[] FoundOrNot = [0, 1];

        public static IEnumerable<string> Cppcheck(string package, string file)
        {
            var (_, xml) = ReferenceTool.Capture("cppcheck", "cppcheck", package, [0],
                "--xml", "--xml-version=2", "--enable=warning,style,performance,portability", "--quiet", file);
            return XDocument.Parse(xml).Descendants("error").Where(e => e.Element("location") is not null).Select(e =>
            {
                var location = e.Element("location")!;
                var column = (int)location.Attribute("column")!;
                return $"{e.Attribute("id")!.Value}@{Strip(location.Attribute("file")!.Value)}:{location.Attribute("line")!.Value}:{(column > 0 ? column : "")}:{e.Attribute("msg")!.Value}";
            });
        }

        public static IEnumerable<string> Shellcheck(string package, string file)
        {
            var (json, _) = ReferenceTool.Capture("shellcheck", "shellcheck", package, FoundOrNot, "-f", "json1", file);
            using var report = JsonDocument.Parse(json);
            return [.. report.RootElement.GetProperty("comments").EnumerateArray().Select(c =>
                $"SC{c.GetProperty("code").GetInt32()}@{Strip(c.GetProperty("file").GetString()!)}:{c.GetProperty("line").GetInt32()}:{c.GetProperty("column").GetInt32()}:{c.GetProperty("message").GetString()}")];
        }

        public static IEnumerable<string> Pyflakes(string package, string file)
        {
            var (text, _) = ReferenceTool.Capture("pyflakes3", "pyflakes3", package, FoundOrNot, file);
            return Line().Matches(text).Select(m =>
                $"{Rule(m.Groups["message"].Value)}@{Strip(m.Groups["file"].Value)}:{m.Groups["line"].Value}:{m.Groups["column"].Value}:{m.Groups["message"].Value}");
        }

        /// <summary>ESLint of the tools folder, with the worker's configuration file and flags, its JSON report read here.</summary>
        public static IEnumerable<string> Eslint(string package, params string[] files)
        {
            var eslint = EslintTools.Executable;
            var (json, _) = ReferenceTool.Capture(eslint, "eslint (scripts/install-eslint.sh)", package, FoundOrNot,
                ["--config", EslintTools.ConfigFile, "--no-config-lookup", "--no-inline-config", "--format", "json", .. files]);
            using var report = JsonDocument.Parse(json);
            return [.. report.RootElement.EnumerateArray().SelectMany(file => file.GetProperty("messages").EnumerateArray().Select(m =>
                $"{(m.TryGetProperty("ruleId", out var rule) && rule.ValueKind == JsonValueKind.String ? rule.GetString() : "parse-error")}"
                + $"@{Path.GetRelativePath(package, file.GetProperty("filePath").GetString()!)}:{m.GetProperty("line").GetInt32()}:{m.GetProperty("column").GetInt32()}:{m.GetProperty("message").GetString()}"))];
        }

        public static IEnumerable<string> Bandit(string package, string file)
        {
            var (json, _) = ReferenceTool.Capture("bandit", "bandit", package, FoundOrNot, "-f", "json", "-q", file);
            using var report = JsonDocument.Parse(json);
            return [.. report.RootElement.GetProperty("results").EnumerateArray().Select(r =>
                $"{r.GetProperty("test_id").GetString()}@{Strip(r.GetProperty("filename").GetString()!)}:{r.GetProperty("line_number").GetInt32()}:"
                + $"{(r.TryGetProperty("col_offset", out var c) ? c.GetInt32() + 1 : "")}:{r.GetProperty("issue_text").GetString()}")];
        }

        // The three messages the fixture provokes, by pyflakes' own class names.
        private static string Rule(string message) => message switch
        {
            _ when message.EndsWith("imported but unused", StringComparison.Ordinal) => "UnusedImport",
            _ when message.StartsWith("undefined name", StringComparison.Ordinal) => "UndefinedName",
            _ when message.EndsWith("is assigned to but never used", StringComparison.Ordinal) => "UnusedVariable",
            _ => message,
        };

        private static string Strip(string file) => file.StartsWith("./", StringComparison.Ordinal) ? file[2..] : file;

        [GeneratedRegex(@"^(?<file>[^:\n]+):(?<line>\d+):(?<column>\d+): (?<message>.*)$", RegexOptions.Multiline)]
        private static partial Regex Line();
    }
}
