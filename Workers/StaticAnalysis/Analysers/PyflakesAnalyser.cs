using System.Globalization;
using System.Text.RegularExpressions;

namespace Cucos.Workers.StaticAnalysis.Analysers;

/// <summary>
/// pyflakes on Python files. It prints <c>file:line:column: message</c> lines and no rule ids, so the rule is
/// named from the message, after pyflakes' own message classes.
/// </summary>
public sealed partial class PyflakesAnalyser : StaticAnalyser
{
    public override string Name => "pyflakes";
    public override string DebianPackage => "pyflakes3";
    public override IReadOnlyList<string> Executables => ["pyflakes3", "pyflakes"];
    public override IReadOnlySet<string> Languages { get; } = new HashSet<string>(StringComparer.Ordinal) { "Python" };
    public override Uri? InformationUri => new("https://github.com/PyCQA/pyflakes");

    public override IReadOnlyList<string> Arguments(IReadOnlyList<string> files) => files;

    public override IReadOnlyList<AnalyserFinding> Parse(AnalyserOutput output)
    {
        // A file name may hold ':' or a newline: a line is read as a finding only when it starts with a name it was given.
        var names = string.Join('|', output.Files.OrderByDescending(f => f.Length).Select(Regex.Escape));
        if (names.Length == 0)
            return [];
        var line = new Regex($@"^(?<file>{names}):(?<line>\d+):(?:(?<column>\d+):)? (?<message>[^\n]*)$",
            RegexOptions.Multiline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(10));
        // pyflakes reports a file that does not parse on standard error, its other findings on standard output.
        var syntaxErrors = line.Matches(output.Stderr).Select(m => Finding(m, "SyntaxError", FindingSeverity.Error));
        var findings = line.Matches(output.Stdout).Select(m =>
        {
            var (rule, severity) = RuleOf(m.Groups["message"].Value);
            return Finding(m, rule, severity);
        });
        return [.. findings.Concat(syntaxErrors)];
    }

    private static AnalyserFinding Finding(Match match, string rule, string severity) =>
        new(rule, null, severity, [], match.Groups["file"].Value,
            int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture),
            match.Groups["column"].Success ? int.Parse(match.Groups["column"].Value, CultureInfo.InvariantCulture) : null,
            match.Groups["message"].Value);

    private static (string Rule, string Severity) RuleOf(string message)
    {
        foreach (var (pattern, rule, severity) in Rules)
            if (pattern.IsMatch(message))
                return (rule, severity);
        // pyflakes' rarer checks (comparisons with literals, 'return' outside a function, ...) under one name.
        return ("PyflakesMessage", FindingSeverity.Warning);
    }

    private static readonly (Regex Pattern, string Rule, string Severity)[] Rules =
    [
        (UnusedImport(), "UnusedImport", FindingSeverity.Warning),
        (RedefinedWhileUnused(), "RedefinedWhileUnused", FindingSeverity.Warning),
        (ImportShadowedByLoopVar(), "ImportShadowedByLoopVar", FindingSeverity.Warning),
        (ImportStarUsed(), "ImportStarUsed", FindingSeverity.Warning),
        (ImportStarUsage(), "ImportStarUsage", FindingSeverity.Warning),
        (UndefinedLocal(), "UndefinedLocal", FindingSeverity.Error),
        (UndefinedName(), "UndefinedName", FindingSeverity.Error),
        (UnusedVariable(), "UnusedVariable", FindingSeverity.Warning),
        (FStringMissingPlaceholders(), "FStringMissingPlaceholders", FindingSeverity.Warning),
        (DuplicateArgument(), "DuplicateArgument", FindingSeverity.Error),
        (RepeatedKey(), "MultiValueRepeatedKeyLiteral", FindingSeverity.Warning),
    ];

    [GeneratedRegex(@"^'.+' imported but unused$")]
    private static partial Regex UnusedImport();
    [GeneratedRegex(@"^redefinition of unused '.+' from line \d+$")]
    private static partial Regex RedefinedWhileUnused();
    [GeneratedRegex(@"^import '.+' from line \d+ shadowed by loop variable$")]
    private static partial Regex ImportShadowedByLoopVar();
    [GeneratedRegex(@"^'from .+ import \*' used; unable to detect undefined names$")]
    private static partial Regex ImportStarUsed();
    [GeneratedRegex(@"may be undefined, or defined from star imports")]
    private static partial Regex ImportStarUsage();
    [GeneratedRegex(@"^local variable '.+' (\(defined .+\) )?referenced before assignment$")]
    private static partial Regex UndefinedLocal();
    [GeneratedRegex(@"^undefined name '.+'$")]
    private static partial Regex UndefinedName();
    [GeneratedRegex(@"^local variable '.+' is assigned to but never used$")]
    private static partial Regex UnusedVariable();
    [GeneratedRegex(@"^f-string is missing placeholders$")]
    private static partial Regex FStringMissingPlaceholders();
    [GeneratedRegex(@"^duplicate argument '.+' in function definition$")]
    private static partial Regex DuplicateArgument();
    [GeneratedRegex(@"^dictionary key .+ repeated with different values$")]
    private static partial Regex RepeatedKey();
}
