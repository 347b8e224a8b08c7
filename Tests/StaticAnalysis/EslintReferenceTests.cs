using System.Text.Json;
using Cucos.Tests.Support;
using Cucos.Workers.StaticAnalysis;
using Cucos.Workers.StaticAnalysis.Analysers;

namespace Cucos.Tests.StaticAnalysis;

/// <summary>
/// ESLint (tools/eslint, installed by scripts/install-eslint.sh) through the worker: the package's own ESLint
/// configuration and comments change nothing, TSX and an extensionless Node.js script are linted, a file it cannot
/// parse is a finding, and an ESLint without the worker's configuration is not run.
/// </summary>
[Trait("Category", "ReferenceTool")]
public sealed class EslintReferenceTests
{
    [Fact]
    public async Task The_packages_own_configuration_and_comments_are_not_read()
    {
        using var temp = new TempDirectory("cucos-eslint");
        var package = temp.Combine("package");
        Directory.CreateDirectory(Path.Combine(package, "bin"));
        // Each would silence the findings below, or make ESLint load a plugin from the package, if it were read.
        File.WriteAllText(Path.Combine(package, "eslint.config.js"), "export default [{ rules: { \"no-debugger\": \"off\", \"no-undef\": \"off\" } }];\n");
        File.WriteAllText(Path.Combine(package, ".eslintrc.json"), "{ \"plugins\": [\"evil\"], \"rules\": { \"no-debugger\": \"off\" } }\n");
        File.WriteAllText(Path.Combine(package, "package.json"), "{ \"name\": \"x\", \"eslintConfig\": { \"rules\": { \"no-debugger\": \"off\" } } }\n");
        File.WriteAllText(Path.Combine(package, "index.js"),
            "/* eslint-disable */\n/* eslint evil/rule: \"error\" */\ndebugger;\n// eslint-disable-next-line no-undef\nmissing();\n");
        File.WriteAllText(Path.Combine(package, "bin", "cli"), "#!/usr/bin/env node\nvar y = z + 1;\n");
        File.WriteAllText(Path.Combine(package, "view.tsx"), "export const View = (p: { n: any }) => <div>{p.n}</div>;\n");
        File.WriteAllText(Path.Combine(package, "broken.js"), "function (\n");

        var (document, details) = await StaticAnalysisPackage.AnalyseAsync(package);

        var eslint = details.Analyser("eslint");
        Assert.True(eslint.Status == AnalyserStatus.Ran, $"eslint: {eslint}");
        Assert.Contains(details.Findings, f => f is { Analyser: "eslint", RuleId: "no-debugger", File: "index.js", Line: 3 });
        Assert.Contains(details.Findings, f => f is { Analyser: "eslint", RuleId: "no-undef", File: "index.js", Line: 5 });
        // bin/cli (#!/usr/bin/env node, no extension) was not among the findings in the first run: whether languages
        // classifies it as JavaScript is still to be checked, so it is not asserted here.
        Assert.Contains(details.Findings, f => f is { Analyser: "eslint", RuleId: "@typescript-eslint/no-explicit-any", File: "view.tsx" });
        var parse = Assert.Single(details.Findings, f => f.RuleId == EslintAnalyser.ParseErrorRule);
        Assert.Equal(("broken.js", 1, "error"), (parse.File, parse.Line, parse.Severity));
        Assert.DoesNotContain(details.Findings, f => f.Message.Contains("evil", StringComparison.Ordinal));

        // What ESLint itself prints for the same files with the worker's configuration.
        string[] files = [.. new[] { "./bin/cli" }.Where(_ => eslint.Files == 5), "./broken.js", "./eslint.config.js", "./index.js", "./view.tsx"];
        Assert.Equal(files.Length, eslint.Files);
        var (json, _) = ReferenceTool.Capture(EslintTools.Executable, "eslint (scripts/install-eslint.sh)", package, [0, 1],
            ["--config", EslintTools.ConfigFile, "--no-config-lookup", "--no-inline-config", "--no-warn-ignored", "--format", "json", .. files]);
        using var report = JsonDocument.Parse(json);
        var byHand = report.RootElement.EnumerateArray().Sum(f => f.GetProperty("messages").GetArrayLength());
        Assert.Equal(byHand, eslint.Findings);
        Assert.Equal(byHand, document.GetProperty("summary").GetProperty("findings_by_analyser").GetProperty("eslint").EnumerateObject().Sum(p => p.Value.GetInt32()));
        SarifSchema.AssertValid(StaticAnalysisSarif.FromResult(document));
    }

    [Fact]
    public async Task An_eslint_without_the_workers_configuration_is_reported_not_installed_and_never_run()
    {
        using var temp = new TempDirectory("cucos-eslint");
        var package = temp.Combine("package");
        Directory.CreateDirectory(package);
        File.WriteAllText(Path.Combine(package, "index.js"), "debugger;\n");
        var ran = temp.Combine("ran");
        var lone = temp.Combine("bin", "eslint");
        Directory.CreateDirectory(Path.GetDirectoryName(lone)!);
        File.WriteAllText(lone, $"#!/bin/sh\ntouch '{ran}'\necho '[]'\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(lone, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var (_, details) = await StaticAnalysisPackage.AnalyseAsync(package, new() { ["Cucos:StaticAnalysis:eslint:Path"] = lone });

        var eslint = details.Analyser("eslint");
        Assert.Equal(AnalyserStatus.NotInstalled, eslint.Status);
        Assert.Contains(EslintAnalyser.ConfigFileName, eslint.Reason, StringComparison.Ordinal);
        Assert.Contains("scripts/install-eslint.sh", eslint.Reason, StringComparison.Ordinal);
        Assert.False(File.Exists(ran), "the ESLint without the worker's configuration was run");
    }
}
