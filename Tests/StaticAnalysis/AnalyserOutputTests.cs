using Cucos.Workers.StaticAnalysis;
using Cucos.Workers.StaticAnalysis.Analysers;
using Microsoft.Extensions.Configuration;

namespace Cucos.Tests.StaticAnalysis;

/// <summary>Each adapter reads its analyser's own report format; the SARIF log of a result is valid SARIF 2.1.0.</summary>
[Trait("Category", "Unit")]
public sealed class AnalyserOutputTests
{
    [Fact]
    public void Cppcheck_findings_are_the_first_location_of_each_error_with_its_cwe()
    {
        const string report = """
            <?xml version="1.0" encoding="UTF-8"?>
            <results version="2">
                <cppcheck version="2.10"/>
                <errors>
                    <error id="nullPointer" severity="error" msg="Null pointer dereference: p" verbose="v" cwe="476" file0="a.c">
                        <location file="a.c" line="20" column="13" info="Null pointer dereference"/>
                        <location file="a.c" line="19" column="14" info="Assignment"/>
                    </error>
                    <error id="unreadVariable" severity="style" msg="Variable &apos;x&apos; is assigned a value that is never used." verbose="v" cwe="563" file0="a.c">
                        <location file="-rf x.c" line="3" column="0"/>
                    </error>
                    <error id="noLocation" severity="information" msg="about cppcheck itself" verbose="v"/>
                </errors>
            </results>
            """;
        var findings = new CppcheckAnalyser().Parse(new AnalyserOutput("", report, ["./a.c"]));
        Assert.Equal(2, findings.Count);
        Assert.Equal(("nullPointer", "error", "a.c", 20, (int?)13, "Null pointer dereference: p"),
            (findings[0].RuleId, findings[0].Severity, findings[0].File, findings[0].Line, findings[0].Column, findings[0].Message));
        Assert.Equal([476], findings[0].Cwe);
        Assert.Equal(("unreadVariable", "note", "-rf x.c", 3, (int?)null, "Variable 'x' is assigned a value that is never used."),
            (findings[1].RuleId, findings[1].Severity, findings[1].File, findings[1].Line, findings[1].Column, findings[1].Message));
    }

    [Fact]
    public void Eslint_messages_become_findings_a_parse_error_included_and_the_config_is_found_above_a_linked_executable()
    {
        const string report = """
            [{"filePath": "/pkg/a.js", "messages": [
                {"ruleId": "no-debugger", "severity": 2, "message": "Unexpected 'debugger' statement.", "line": 4, "column": 3},
                {"ruleId": "no-unused-vars", "severity": 1, "message": "'x' is defined but never used.", "line": 1, "column": 7}]},
             {"filePath": "/pkg/broken.js", "messages": [
                {"ruleId": null, "fatal": true, "severity": 2, "message": "Parsing error: Unexpected token (", "line": 1, "column": 10}]},
             {"filePath": "/pkg/clean.js", "messages": []}]
            """;
        var findings = new EslintAnalyser().Parse(new AnalyserOutput(report, "", ["./a.js", "./broken.js", "./clean.js"]));
        Assert.Equal(
            ["no-debugger error /pkg/a.js:4:3", "no-unused-vars warning /pkg/a.js:1:7", "parse-error error /pkg/broken.js:1:10"],
            findings.Select(f => $"{f.RuleId} {f.Severity} {f.File}:{f.Line}:{f.Column}"));
        Assert.Throws<FormatException>(() => new EslintAnalyser().Parse(new AnalyserOutput("{\"not\": \"an array\"}", "", [])));

        // npm's layout: node_modules/.bin/eslint is a link to node_modules/eslint/bin/eslint.js; the config is in the folder above node_modules.
        using var temp = new Cucos.Tests.Support.TempDirectory("cucos-eslint-unit");
        var script = temp.WriteFile("tools/node_modules/eslint/bin/eslint.js", "#!/usr/bin/env node\n"u8.ToArray());
        Directory.CreateDirectory(temp.Combine("tools", "node_modules", ".bin"));
        var link = temp.Combine("tools", "node_modules", ".bin", "eslint");
        File.CreateSymbolicLink(link, "../eslint/bin/eslint.js");
        Assert.Null(EslintAnalyser.ConfigFile(link));
        Assert.NotNull(new EslintAnalyser().Unusable(link));
        var config = temp.WriteFile("tools/" + EslintAnalyser.ConfigFileName, "export default [];\n"u8.ToArray());
        Assert.Equal(config, EslintAnalyser.ConfigFile(link));
        Assert.Equal(config, EslintAnalyser.ConfigFile(script));
        Assert.Null(new EslintAnalyser().Unusable(link));
        Assert.Equal(["--config", config, "--no-config-lookup", "--no-inline-config", "--no-warn-ignored", "--format", "json", "--", "./a.js"],
            new EslintAnalyser().Arguments(link, ["./a.js"]));
    }

    [Fact]
    public void Shellcheck_json1_comments_become_findings_named_by_their_SC_code()
    {
        const string report = """{"comments":[{"file":"./x.sh","line":2,"endLine":2,"column":1,"endColumn":7,"level":"warning","code":2034,"message":"unused appears unused.","fix":null},{"file":"./x.sh","line":4,"endLine":4,"column":6,"endColumn":12,"level":"style","code":2006,"message":"Use $(...)","fix":null},{"file":"./x.sh","line":5,"column":3,"level":"error","code":1009,"message":"parse"}]}""";
        var findings = new ShellcheckAnalyser().Parse(new AnalyserOutput(report, "", ["./x.sh"]));
        Assert.Equal(["SC2034:warning:2:1", "SC2006:note:4:6", "SC1009:error:5:3"],
            findings.Select(f => $"{f.RuleId}:{f.Severity}:{f.Line}:{f.Column}"));
    }

    [Fact]
    public void Bandit_results_carry_severity_cwe_and_a_one_based_column_when_bandit_gives_them()
    {
        const string report = """
            {"errors": [], "results": [
              {"filename": "./p.py", "issue_severity": "HIGH", "issue_confidence": "HIGH", "issue_cwe": {"id": 78, "link": "x"},
               "issue_text": "subprocess call with shell=True", "line_number": 8, "col_offset": 4, "test_id": "B602", "test_name": "subprocess_popen_with_shell_equals_true"},
              {"filename": "./p.py", "issue_severity": "LOW", "issue_confidence": "HIGH",
               "issue_text": "Consider possible security implications", "line_number": 2, "test_id": "B404", "test_name": "blacklist"}]}
            """;
        var findings = new BanditAnalyser().Parse(new AnalyserOutput(report, "", ["./p.py"]));
        Assert.Equal(("B602", "subprocess_popen_with_shell_equals_true", "error", 8, (int?)5), (findings[0].RuleId, findings[0].RuleName, findings[0].Severity, findings[0].Line, findings[0].Column));
        Assert.Equal([78], findings[0].Cwe);
        Assert.Equal(("B404", "note", (int?)null), (findings[1].RuleId, findings[1].Severity, findings[1].Column));
        Assert.Empty(findings[1].Cwe);
    }

    [Fact]
    public void Pyflakes_lines_are_read_by_the_file_names_given_even_with_colons_and_newlines_in_them()
    {
        var stdout = "./new\nline.py:1:1: 'os' imported but unused\n./a:b.py:9:33: undefined name 'undefined_name'\n./a:b.py:7:5: local variable 'password' is assigned to but never used\n";
        var stderr = "./broken.py:1:8: invalid syntax\ndef f(:\n       ^\n";
        var findings = new PyflakesAnalyser().Parse(new AnalyserOutput(stdout, stderr, ["./new\nline.py", "./a:b.py", "./broken.py"]));
        Assert.Equal(
            ["./new\nline.py:1:1:UnusedImport:warning", "./a:b.py:9:33:UndefinedName:error", "./a:b.py:7:5:UnusedVariable:warning", "./broken.py:1:8:SyntaxError:error"],
            findings.Select(f => $"{f.File}:{f.Line}:{f.Column}:{f.RuleId}:{f.Severity}"));
    }

    [Fact]
    public void Output_an_adapter_cannot_read_is_a_format_error_naming_the_analyser()
    {
        var cut = Assert.Throws<FormatException>(() => new BanditAnalyser().Parse(new AnalyserOutput("{\"results\": [", "", [])));
        Assert.StartsWith("bandit's JSON report cannot be read", cut.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => new CppcheckAnalyser().Parse(new AnalyserOutput("", "<results><errors>", [])));
    }

    [Fact]
    public void A_bad_limit_setting_is_named_with_what_to_write()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cucos:StaticAnalysis:AnalyserTimeoutSeconds"] = "five",
            ["Cucos:StaticAnalysis:cppcheck:Path"] = "/opt/cppcheck",
        }).Build();
        var error = Assert.Throws<InvalidOperationException>(() => StaticAnalysisOptions.From(configuration));
        Assert.Equal("Cucos:StaticAnalysis:AnalyserTimeoutSeconds is 'five', which is not a number: set it to a plain number, such as 300.", error.Message);
        configuration["Cucos:StaticAnalysis:AnalyserTimeoutSeconds"] = "7";
        var options = StaticAnalysisOptions.From(configuration);
        Assert.Equal(TimeSpan.FromSeconds(7), options.AnalyserTimeout);
        Assert.Equal("/opt/cppcheck", options.Paths["cppcheck"]);
    }

    [Fact]
    public void A_result_is_one_valid_SARIF_log_with_a_run_per_analyser_that_had_files()
    {
        var details = new StaticAnalysisDetails(
            [
                new AnalyserRun("cppcheck", AnalyserStatus.Ran, null, "2.10", "/usr/bin/cppcheck", "cppcheck", 1, 2, 0, null, 0,
                    [new AnalyserRule("memleak", null), new AnalyserRule("nullPointer", null)]),
                new AnalyserRun("bandit", AnalyserStatus.Timeout, "bandit was killed after 300 s.", "1.6.2", "/usr/bin/bandit", "bandit", 1, 0, null, "tail", 0, []),
                new AnalyserRun("shellcheck", AnalyserStatus.NoFiles, null, null, null, "shellcheck", 0, 0, null, null, 0, []),
            ],
            [
                new StaticFinding("cppcheck", "nullPointer", "error", [476], "src/a file#1.c", 20, 13, "Null pointer dereference: p", "return *p;"),
                new StaticFinding("cppcheck", "memleak", "error", [401], "-rf\nx.c", 0, null, "Memory leak: p", null),
            ],
            0, [], [], new SandboxReport(true, true, true, 300, 600, 600, 1 << 30, 1 << 20, 8 << 20));
        var log = StaticAnalysisSarif.FromDetails(details);
        SarifSchema.AssertValid(log);

        var runs = log["runs"]!.AsArray();
        Assert.Equal(["cppcheck", "bandit"], runs.Select(r => (string)r!["tool"]!["driver"]!["name"]!));
        var results = runs[0]!["results"]!.AsArray();
        Assert.Equal("src/a%20file%231.c", (string)results[0]!["locations"]![0]!["physicalLocation"]!["artifactLocation"]!["uri"]!);
        Assert.Equal(1, (int)results[0]!["ruleIndex"]!);
        Assert.Equal("external/cwe/cwe-476", (string)results[0]!["properties"]!["tags"]![0]!);
        Assert.Equal("-rf%0Ax.c", (string)results[1]!["locations"]![0]!["physicalLocation"]!["artifactLocation"]!["uri"]!);
        Assert.False((bool)runs[1]!["invocations"]![0]!["executionSuccessful"]!);
    }

    [Fact]
    public void The_schema_check_rejects_what_is_not_SARIF()
    {
        // The check must be able to fail: a log without a version, and a result with a level SARIF does not know.
        var log = StaticAnalysisSarif.FromDetails(new StaticAnalysisDetails(
            [new AnalyserRun("x", AnalyserStatus.Ran, null, "1", "/x", "x", 1, 1, 0, null, 0, [])],
            [new StaticFinding("x", "r", "fatal", [], "a.c", 1, 1, "m", null)],
            0, [], [], new SandboxReport(false, false, false, 1, 1, 1, 1, 1, 1)));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => SarifSchema.AssertValid(log));
    }
}
