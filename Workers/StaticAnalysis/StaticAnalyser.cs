using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Workers.StaticAnalysis;

/// <summary>
/// An adapter for one analyser program: where to find it, its version, how to run it on a list of files and how
/// to read what it printed. The static_analysis task does the rest (choosing files, the sandbox, paths, SARIF).
/// Register one with <see cref="StaticAnalyserServiceCollectionExtensions.AddCucosStaticAnalyser{T}"/>.
/// </summary>
public abstract partial class StaticAnalyser
{
    /// <summary>Its name in results and SARIF, and the key of its setting <c>Cucos:StaticAnalysis:&lt;Name&gt;:Path</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The Debian package to install when it is missing.</summary>
    public abstract string DebianPackage { get; }

    /// <summary>What to do when it is missing, for the result's reason; by default installing <see cref="DebianPackage"/>.</summary>
    public virtual string InstallHint => $"apt-get install -y {DebianPackage}";

    /// <summary>Program names looked up on PATH when no path is configured, in order.</summary>
    public abstract IReadOnlyList<string> Executables { get; }

    /// <summary>Linguist language names of the files it analyses.</summary>
    public abstract IReadOnlySet<string> Languages { get; }

    /// <summary>Where users read about it; SARIF's <c>tool.driver.informationUri</c>.</summary>
    public virtual Uri? InformationUri => null;

    public virtual IReadOnlyList<string> VersionArguments => ["--version"];

    /// <summary>The version in what <see cref="VersionArguments"/> printed: by default its first dotted number.</summary>
    public virtual string? ParseVersion(string output) => VersionPattern().Match(output) is { Success: true } m ? m.Value : null;

    /// <summary>
    /// The arguments for a run on <paramref name="files"/>, each given as <c>./relative/path</c> from the package root
    /// (the working directory), so that a file named <c>-rf</c> cannot pass for an option.
    /// </summary>
    public abstract IReadOnlyList<string> Arguments(IReadOnlyList<string> files);

    /// <summary>
    /// The arguments for a run of <paramref name="executable"/> on <paramref name="files"/>: by default
    /// <see cref="Arguments(IReadOnlyList{string})"/>. Override when they depend on where the analyser is installed
    /// (ESLint's configuration lives in its tools folder).
    /// </summary>
    public virtual IReadOnlyList<string> Arguments(string executable, IReadOnlyList<string> files) => Arguments(files);

    /// <summary>Why the installed <paramref name="executable"/> cannot be used, and what to do; null when it can (the default).</summary>
    public virtual string? Unusable(string executable) => null;

    /// <summary>Whether an exit code means "ran to the end" (most analysers exit 1 when they found something).</summary>
    public virtual bool RanToTheEnd(int exitCode) => exitCode is 0 or 1;

    /// <summary>The findings in its output; a <see cref="FormatException"/> when the output cannot be read.</summary>
    public abstract IReadOnlyList<AnalyserFinding> Parse(AnalyserOutput output);

    [GeneratedRegex(@"\d+(\.\d+)+")]
    private static partial Regex VersionPattern();
}

/// <summary>What an analyser printed, with the files it was given (as passed: <c>./relative</c>).</summary>
public sealed record AnalyserOutput(string Stdout, string Stderr, IReadOnlyList<string> Files);

/// <summary>A finding as the analyser states it; <see cref="File"/> as it printed it, resolved by the task.</summary>
public sealed record AnalyserFinding(string RuleId, string? RuleName, string Severity, IReadOnlyList<int> Cwe, string File, int Line, int? Column, string Message);

/// <summary>The severities of findings, SARIF's levels.</summary>
public static class FindingSeverity
{
    public const string Error = "error";
    public const string Warning = "warning";
    public const string Note = "note";
}

public static class StaticAnalyserServiceCollectionExtensions
{
    /// <summary>Adds an analyser the static_analysis task runs, after those registered before it.</summary>
    public static IServiceCollection AddCucosStaticAnalyser<T>(this IServiceCollection services) where T : StaticAnalyser =>
        services.AddSingleton<StaticAnalyser, T>();
}
