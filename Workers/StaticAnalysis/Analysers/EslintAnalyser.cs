using System.Text.Json;

namespace Cucos.Workers.StaticAnalysis.Analysers;

/// <summary>
/// ESLint on JavaScript and TypeScript files, its JSON report read. It runs with the configuration of its tools
/// folder (<c>cucos.eslint.config.mjs</c>, installed beside its <c>node_modules</c> by <c>scripts/install-eslint.sh</c>):
/// ESLint's recommended rules, and typescript-eslint's for TypeScript. Nothing of the package configures it: no
/// configuration file is looked up (<c>--no-config-lookup</c>) and its <c>/* eslint */</c> comments are ignored
/// (<c>--no-inline-config</c>), so a package can neither silence a rule nor ask for a plugin.
/// </summary>
public sealed class EslintAnalyser : StaticAnalyser
{
    /// <summary>The configuration file, in the tools folder that holds ESLint's <c>node_modules</c>.</summary>
    public const string ConfigFileName = "cucos.eslint.config.mjs";

    /// <summary>The rule id of a file ESLint could not parse (its report gives none).</summary>
    public const string ParseErrorRule = "parse-error";

    public override string Name => "eslint";

    /// <summary>ESLint itself comes from the npm registry; Node.js, which runs it, from Debian.</summary>
    public override string DebianPackage => "nodejs";

    public override string InstallHint => "scripts/install-eslint.sh installs it into a tools folder from your npm registry (Node.js and npm needed)";
    public override IReadOnlyList<string> Executables => ["eslint"];
    public override IReadOnlySet<string> Languages { get; } = new HashSet<string>(StringComparer.Ordinal) { "JavaScript", "TypeScript", "TSX" };
    public override Uri? InformationUri => new("https://eslint.org/");

    /// <summary>Without the configuration file: <see cref="Arguments(string, IReadOnlyList{string})"/> adds it.</summary>
    public override IReadOnlyList<string> Arguments(IReadOnlyList<string> files) =>
        ["--no-config-lookup", "--no-inline-config", "--no-warn-ignored", "--format", "json", "--", .. files];

    public override IReadOnlyList<string> Arguments(string executable, IReadOnlyList<string> files) =>
        ["--config", ConfigFile(executable) ?? throw new InvalidOperationException(Unusable(executable)), .. Arguments(files)];

    public override string? Unusable(string executable) => ConfigFile(executable) is null
        ? $"ESLint at '{executable}' has no {ConfigFileName} in a folder above it, so it would run without the worker's rules: install ESLint with scripts/install-eslint.sh and point Cucos:StaticAnalysis:eslint:Path at the tools folder's node_modules/.bin/eslint."
        : null;

    /// <summary>ESLint exits 1 when it found errors, 2 when it could not run (a configuration it cannot load).</summary>
    public override bool RanToTheEnd(int exitCode) => exitCode is 0 or 1;

    /// <summary>
    /// The configuration of the tools folder <paramref name="executable"/> belongs to: the first folder above it, or
    /// above the file its links lead to (<c>node_modules/.bin/eslint</c> is a link to <c>node_modules/eslint/bin/eslint.js</c>),
    /// that holds <see cref="ConfigFileName"/>.
    /// </summary>
    public static string? ConfigFile(string executable)
    {
        var full = Path.GetFullPath(executable);
        string?[] starts = [full, SafeFinalTarget(full)];
        foreach (var start in starts.OfType<string>())
            for (var folder = Path.GetDirectoryName(start); folder is not null; folder = Path.GetDirectoryName(folder))
            {
                var candidate = Path.Combine(folder, ConfigFileName);
                if (File.Exists(candidate))
                    return candidate;
            }
        return null;
    }

    private static string? SafeFinalTarget(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public override IReadOnlyList<AnalyserFinding> Parse(AnalyserOutput output)
    {
        using var report = AnalyserJson.Parse(Name, output.Stdout);
        if (report.RootElement.ValueKind != JsonValueKind.Array)
            throw new FormatException("ESLint's JSON report is not an array of files.");
        var findings = new List<AnalyserFinding>();
        foreach (var file in report.RootElement.EnumerateArray())
        {
            var path = file.GetProperty("filePath").GetString() ?? "";
            foreach (var message in file.GetProperty("messages").EnumerateArray())
            {
                // A parse error has no rule id; it is "fatal" and stops the file's other rules.
                var rule = message.TryGetProperty("ruleId", out var id) && id.ValueKind == JsonValueKind.String
                    ? id.GetString()! : ParseErrorRule;
                findings.Add(new AnalyserFinding(
                    rule,
                    null,
                    message.GetProperty("severity").GetInt32() == 2 ? FindingSeverity.Error : FindingSeverity.Warning,
                    [],
                    path,
                    message.TryGetProperty("line", out var line) && line.TryGetInt32(out var lineNumber) ? lineNumber : 0,
                    message.TryGetProperty("column", out var column) && column.TryGetInt32(out var columnNumber) && columnNumber > 0 ? columnNumber : null,
                    message.GetProperty("message").GetString() ?? ""));
            }
        }
        return findings;
    }
}
