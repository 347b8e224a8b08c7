using System.Collections.Concurrent;
using Cucos.Sdk;
using Cucos.Workers.Languages;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cucos.Workers.StaticAnalysis;

/// <summary>
/// The seed's csmock worker: real analysers (cppcheck, shellcheck, pyflakes, bandit, ESLint and any registered
/// <see cref="StaticAnalyser"/>) run sandboxed on the package's files of their languages, their findings normalised
/// and the whole run available as SARIF 2.1.0 (<see cref="StaticAnalysisSarif"/>).
/// </summary>
public sealed partial class StaticAnalysisTask : BaseTask
{
    public const string TaskName = "static_analysis";

    /// <summary>Files per analyser run, well below the kernel's limit on a command line's length.</summary>
    private const int FilesPerRun = 200;

    private const int SnippetCharacters = 200;
    private const int StderrTailCharacters = 2000;

    private static readonly ConcurrentDictionary<(string Path, DateTime Written), string?> Versions = new();

    public override string Name => TaskName;
    public override string Description => "Findings of cppcheck, shellcheck, pyflakes, bandit and ESLint, run sandboxed, normalised and as SARIF 2.1.0.";
    public override IReadOnlyList<string> DependsOn => [LanguagesTaskName];

    /// <summary>Above the sandbox's per-package limit, so that a slow package is recorded rather than cancelled.</summary>
    public override TimeSpan Timeout => TimeSpan.FromMinutes(20);

    /// <summary>The task whose result says which files are in which language, and which are vendored or generated.</summary>
    public const string LanguagesTaskName = "languages";

    public override async Task<TaskResult> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(context.PackagePath))
            throw new FatalTaskException($"package folder '{context.PackagePath}' does not exist: init has not laid it out.");
        var languages = await context.GetResultAsync<LanguagesDetails>(cancellationToken).ConfigureAwait(false)
            ?? throw new FatalTaskException("the languages worker's result is missing: static_analysis picks its files from it, so run languages first.");
        var options = StaticAnalysisOptions.From(context.Services.GetService<IConfiguration>());
        var sandbox = new Sandbox(options);
        var root = Path.GetFullPath(context.PackagePath).TrimEnd('/');

        var (candidates, skipped, tooLarge) = Candidates(root, languages.Files, options.MaxFileBytes);
        var deadline = DateTime.UtcNow + options.PackageTimeout;
        var analysers = StaticAnalysers.Of(context.Services);
        var runs = await Task.WhenAll(analysers.Select(a =>
            RunAnalyserAsync(a, candidates, root, sandbox, deadline, context.Logger, cancellationToken))).ConfigureAwait(false);

        var findings = runs.SelectMany(r => r.Findings).ToArray();
        var analysed = runs.SelectMany(r => r.Files).DistinctBy(f => f.Path).ToArray();
        var summary = new StaticAnalysisSummary(
            findings.Length,
            runs.Where(r => r.Run.Status == AnalyserStatus.Ran).ToDictionary(
                r => r.Run.Name,
                r => (IReadOnlyDictionary<string, int>)r.Findings.GroupBy(f => f.Severity).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
                StringComparer.Ordinal),
            analysed.GroupBy(f => f.Language!).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            [.. runs.Where(r => r.Run.Status is not (AnalyserStatus.Ran or AnalyserStatus.NoFiles)).Select(r => r.Run.Name)]);
        return TaskResult.Success(summary, new StaticAnalysisDetails(
            [.. runs.Select(r => r.Run)], findings, runs.Sum(r => r.Outside), skipped, tooLarge, sandbox.Report()));
    }

    /// <summary>The files an analyser may be given: those Linguist would count, inside the package, and not through a link.</summary>
    private static (FileLanguage[] Files, string[] Skipped, string[] TooLarge) Candidates(string root, IReadOnlyList<FileLanguage> files, long maxFileBytes)
    {
        var kept = new List<FileLanguage>();
        var skipped = new List<string>();
        var tooLarge = new List<string>();
        foreach (var file in files)
        {
            if (file is not { Language: not null, Vendored: false, Generated: false, Documentation: false, Binary: false, Error: null })
                continue;
            if (InsidePackage(root, file.Path) is not { } full)
                skipped.Add(file.Path);
            else if (new FileInfo(full).Length > maxFileBytes)
                tooLarge.Add(file.Path);
            else
                kept.Add(file);
        }
        return ([.. kept], [.. skipped], [.. tooLarge]);
    }

    /// <summary>The full path of <paramref name="relative"/> when it is a regular file of the package reached through no link, else null.</summary>
    private static string? InsidePackage(string root, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative));
        if (!full.StartsWith(root + "/", StringComparison.Ordinal))
            return null;
        if (!File.Exists(full))
            return null;
        // An analyser would follow a link out of the package, to a file or to a folder on the way.
        for (var path = full; path.Length > root.Length; path = Path.GetDirectoryName(path)!)
            if (new FileInfo(path).LinkTarget is not null)
                return null;
        return full;
    }

    private sealed record AnalyserOutcome(AnalyserRun Run, IReadOnlyList<StaticFinding> Findings, IReadOnlyList<FileLanguage> Files, int Outside);

    private static async Task<AnalyserOutcome> RunAnalyserAsync(StaticAnalyser analyser, FileLanguage[] candidates, string root,
        Sandbox sandbox, DateTime deadline, ILogger logger, CancellationToken cancellationToken)
    {
        var files = candidates.Where(f => analyser.Languages.Contains(f.Language!)).ToArray();
        AnalyserOutcome NotRun(string status, string? reason, string? executable = null, string? version = null,
            int? exitCode = null, string? stderr = null, long dropped = 0)
        {
            if (reason is not null)
                LogAnalyserNotRun(logger, analyser.Name, status, reason);
            return new(new AnalyserRun(analyser.Name, status, reason, version, executable, analyser.DebianPackage, files.Length, 0,
                exitCode, stderr is null ? null : Tail(stderr), dropped, []), [], files, 0);
        }
        if (files.Length == 0)
            return NotRun(AnalyserStatus.NoFiles, null);

        var configured = sandbox.Options.Paths.GetValueOrDefault(analyser.Name);
        var executable = configured is not null
            ? ExecutableLookup.OnPath(configured)
            : analyser.Executables.Select(ExecutableLookup.OnPath).FirstOrDefault(p => p is not null);
        if (executable is null)
            return NotRun(AnalyserStatus.NotInstalled, configured is not null
                ? $"{analyser.Name} is not at '{configured}' ({StaticAnalysisOptions.Section}:{analyser.Name}:Path): correct the setting, or install it ({analyser.InstallHint})."
                : $"{analyser.Name} is not installed: {analyser.InstallHint}, or set {StaticAnalysisOptions.Section}:{analyser.Name}:Path.");
        if (analyser.Unusable(executable) is { } unusable)
            return NotRun(AnalyserStatus.NotInstalled, unusable, executable);

        var version = await VersionAsync(analyser, executable, root, sandbox, deadline, cancellationToken).ConfigureAwait(false);
        var findings = new List<AnalyserFinding>();
        long dropped = 0;
        foreach (var batch in files.Select(f => "./" + f.Path).Chunk(FilesPerRun))
        {
            var remaining = deadline - DateTime.UtcNow;
            var packageLimited = remaining < sandbox.Options.AnalyserTimeout;
            var limit = packageLimited ? remaining : sandbox.Options.AnalyserTimeout;
            if (limit <= TimeSpan.Zero)
                return NotRun(AnalyserStatus.Timeout, $"{analyser.Name} did not start: the package's {sandbox.Options.PackageTimeout.TotalSeconds:0} s ({StaticAnalysisOptions.Section}:PackageTimeoutSeconds) were used up.", executable, version);
            var run = await sandbox.RunAsync(executable, analyser.Arguments(executable, batch), root, limit, cancellationToken).ConfigureAwait(false);
            dropped += run.BytesDropped;
            if (run.TimedOut)
                return NotRun(AnalyserStatus.Timeout, packageLimited
                    ? $"{analyser.Name} was killed when the package's {sandbox.Options.PackageTimeout.TotalSeconds:0} s ({StaticAnalysisOptions.Section}:PackageTimeoutSeconds) were up."
                    : $"{analyser.Name} was killed after {sandbox.Options.AnalyserTimeout.TotalSeconds:0} s ({StaticAnalysisOptions.Section}:AnalyserTimeoutSeconds).",
                    executable, version, null, run.Stderr, dropped);
            if (run.ExitCode is not { } exitCode || !analyser.RanToTheEnd(exitCode))
                return NotRun(AnalyserStatus.Crashed, $"{analyser.Name} exited with code {run.ExitCode}.", executable, version, run.ExitCode, run.Stderr, dropped);
            try
            {
                findings.AddRange(analyser.Parse(new AnalyserOutput(run.Stdout, run.Stderr, batch)));
            }
            catch (Exception e) when (e is FormatException or KeyNotFoundException or InvalidOperationException)
            {
                var truncated = run.BytesDropped > 0 ? $" (its output was cut at {sandbox.Options.OutputBytes} bytes, {StaticAnalysisOptions.Section}:OutputBytes)" : "";
                return NotRun(AnalyserStatus.UnreadableOutput, $"{analyser.Name}'s output could not be read{truncated}: {e.Message}",
                    executable, version, run.ExitCode, run.Stderr, dropped);
            }
        }

        var snippets = new Dictionary<string, string[]?>(StringComparer.Ordinal);
        var kept = new List<StaticFinding>();
        var outside = 0;
        foreach (var finding in findings)
        {
            var relative = PackageRelative(root, finding.File);
            if (relative is null)
            {
                outside++;
                continue;
            }
            kept.Add(new StaticFinding(analyser.Name, finding.RuleId, finding.Severity, finding.Cwe, relative, finding.Line,
                finding.Column, finding.Message, Snippet(root, relative, finding.Line, snippets)));
        }
        var rules = findings.GroupBy(f => f.RuleId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new AnalyserRule(g.Key, g.Select(f => f.RuleName).FirstOrDefault(n => n is not null))).ToArray();
        return new(new AnalyserRun(analyser.Name, AnalyserStatus.Ran, null, version, executable, analyser.DebianPackage, files.Length,
            kept.Count, 0, null, dropped, rules), kept, files, outside);
    }

    private static async Task<string?> VersionAsync(StaticAnalyser analyser, string executable, string root, Sandbox sandbox,
        DateTime deadline, CancellationToken cancellationToken)
    {
        var key = (executable, File.GetLastWriteTimeUtc(executable));
        if (Versions.TryGetValue(key, out var known))
            return known;
        var limit = TimeSpan.FromTicks(Math.Min(sandbox.Options.AnalyserTimeout.Ticks, Math.Max(0, (deadline - DateTime.UtcNow).Ticks)));
        var run = await sandbox.RunAsync(executable, analyser.VersionArguments, root, limit, cancellationToken).ConfigureAwait(false);
        if (run.TimedOut)
            return null;
        var version = analyser.ParseVersion(run.Stdout + "\n" + run.Stderr);
        Versions[key] = version;
        return version;
    }

    /// <summary>An analyser's file name as a '/'-separated path inside the package, or null when it points outside.</summary>
    private static string? PackageRelative(string root, string file)
    {
        if (file.Length == 0)
            return null;
        var full = Path.GetFullPath(Path.Combine(root, file));
        return full.StartsWith(root + "/", StringComparison.Ordinal) && InsidePackage(root, full[(root.Length + 1)..]) is not null
            ? full[(root.Length + 1)..]
            : null;
    }

    private static string? Snippet(string root, string relative, int line, Dictionary<string, string[]?> cache)
    {
        if (!cache.TryGetValue(relative, out var lines))
        {
            try
            {
                lines = File.ReadAllLines(Path.Combine(root, relative));
            }
            catch (IOException)
            {
                lines = null;
            }
            cache[relative] = lines;
        }
        if (lines is null || line < 1 || line > lines.Length)
            return null;
        var text = lines[line - 1].Trim();
        return text.Length <= SnippetCharacters ? text : text[..SnippetCharacters];
    }

    private static string Tail(string text) => text.Length <= StderrTailCharacters ? text : text[^StderrTailCharacters..];

    [LoggerMessage(Level = LogLevel.Warning, Message = "static analyser {Analyser} {Status}: {Reason}")]
    private static partial void LogAnalyserNotRun(ILogger logger, string analyser, string status, string reason);
}

/// <summary>The values of <see cref="AnalyserRun.Status"/>.</summary>
public static class AnalyserStatus
{
    public const string Ran = "ran";
    public const string NotInstalled = "not_installed";
    public const string NoFiles = "no_files";
    public const string Crashed = "crashed";
    public const string Timeout = "timeout";
    public const string UnreadableOutput = "unreadable_output";
}
