using System.ComponentModel;
using Cucos.Sdk;

namespace Cucos.Workers.StaticAnalysis;

[TaskResultPart("static_analysis", ResultPart.Summary)]
public sealed record StaticAnalysisSummary(
    [property: Description("findings in details.findings, those dropped for pointing outside the package excluded")] int Findings,
    [property: Description("analyser -> severity (error, warning, note) -> findings")]
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> FindingsByAnalyser,
    [property: Description("language -> files handed to the analysers of that language")] IReadOnlyDictionary<string, int> FilesAnalysed,
    [property: Description("analysers that could not run: not installed, crashed, timed out or printed output they could not read")]
    IReadOnlyList<string> AnalysersNotRun);

[TaskResultPart("static_analysis", ResultPart.Details)]
[Description("Findings of real static analysers (cppcheck, shellcheck, pyflakes, bandit, ESLint) run sandboxed on the package's files of their languages, as the languages worker classified them. The whole run as one SARIF 2.1.0 log: StaticAnalysisSarif.FromDetails.")]
public sealed record StaticAnalysisDetails(
    IReadOnlyList<AnalyserRun> Analysers,
    IReadOnlyList<StaticFinding> Findings,
    [property: Description("findings whose file is outside the package (an #include through '..', say): dropped")] int FindingsOutsidePackage,
    [property: Description("files the languages worker listed that were left out: symbolic links, or paths leading out of the package")]
    IReadOnlyList<string> FilesSkipped,
    [property: Description("files larger than Cucos:StaticAnalysis:MaxFileBytes, given to no analyser")] IReadOnlyList<string> FilesTooLarge,
    SandboxReport Sandbox);

/// <summary>What became of one analyser in this run.</summary>
public sealed record AnalyserRun(
    string Name,
    [property: Description("ran, not_installed, no_files, crashed, timeout, unreadable_output")] string Status,
    [property: Description("why it did not run cleanly, and what to do")] string? Reason,
    [property: Description("the version the analyser reports of itself")] string? Version,
    [property: Description("the executable that ran")] string? Executable,
    [property: Description("the Debian package that provides it")] string DebianPackage,
    int Files,
    [property: Description("findings of this analyser kept in details.findings")] int Findings,
    int? ExitCode,
    [property: Description("the end of its standard error, when it did not run cleanly")] string? StderrTail,
    [property: Description("output bytes beyond the cap, counted and dropped")] long OutputBytesDropped,
    [property: Description("the rules its findings came from")] IReadOnlyList<AnalyserRule> Rules);

public sealed record AnalyserRule(string Id, [property: Description("the rule's name or a short description, when the analyser gives one")] string? Name);

/// <summary>One defect, normalised across analysers.</summary>
public sealed record StaticFinding(
    string Analyser,
    string RuleId,
    [property: Description("error, warning or note")] string Severity,
    [property: Description("CWE ids the analyser gives (cppcheck, bandit)")] IReadOnlyList<int> Cwe,
    [property: Description("relative to the package, '/'-separated")] string File,
    int Line,
    [property: Description("1-based; null when the analyser gives no column")] int? Column,
    string Message,
    [property: Description("the start of the line the finding points at, at most 200 characters")] string? Snippet);

/// <summary>Which of the sandbox's protections this silo could apply.</summary>
public sealed record SandboxReport(
    [property: Description("analysers ran in a network namespace of their own, without any network")] bool NetworkIsolated,
    [property: Description("CPU and memory limits were applied through prlimit")] bool ResourceLimits,
    [property: Description("each analyser ran in a process group of its own, killed whole on a timeout")] bool ProcessGroup,
    int AnalyserTimeoutSeconds,
    int PackageTimeoutSeconds,
    int CpuSeconds,
    long MemoryBytes,
    long OutputBytes,
    [property: Description("files larger than this were given to no analyser")] long MaxFileBytes);
