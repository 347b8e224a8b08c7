using System.Text.Json;

namespace Cucos.Workers.StaticAnalysis.Analysers;

/// <summary>bandit, the security linter, on Python files, its JSON report read.</summary>
public sealed class BanditAnalyser : StaticAnalyser
{
    public override string Name => "bandit";
    public override string DebianPackage => "bandit";
    public override IReadOnlyList<string> Executables => ["bandit"];
    public override IReadOnlySet<string> Languages { get; } = new HashSet<string>(StringComparer.Ordinal) { "Python" };
    public override Uri? InformationUri => new("https://bandit.readthedocs.io/");

    // Files, never a folder: bandit reads a '.bandit' settings file only in the folders it is given.
    public override IReadOnlyList<string> Arguments(IReadOnlyList<string> files) => ["--format", "json", "--quiet", "--", .. files];

    public override IReadOnlyList<AnalyserFinding> Parse(AnalyserOutput output)
    {
        using var report = AnalyserJson.Parse(Name, output.Stdout);
        if (!report.RootElement.TryGetProperty("results", out var results))
            throw new FormatException("bandit's JSON report has no 'results'.");
        return [.. results.EnumerateArray().Select(r => new AnalyserFinding(
            r.GetProperty("test_id").GetString() ?? "unknown",
            r.TryGetProperty("test_name", out var name) ? name.GetString() : null,
            r.GetProperty("issue_severity").GetString() switch
            {
                "HIGH" => FindingSeverity.Error,
                "MEDIUM" => FindingSeverity.Warning,
                _ => FindingSeverity.Note,
            },
            // bandit 1.7.3 and later name the CWE; older releases do not.
            r.TryGetProperty("issue_cwe", out var cwe) && cwe.TryGetProperty("id", out var id) && id.TryGetInt32(out var cweId) && cweId > 0
                ? [cweId] : [],
            r.GetProperty("filename").GetString() ?? "",
            r.GetProperty("line_number").GetInt32(),
            // bandit 1.7.2 and later give a 0-based column.
            r.TryGetProperty("col_offset", out var column) && column.TryGetInt32(out var offset) ? offset + 1 : null,
            r.GetProperty("issue_text").GetString() ?? ""))];
    }
}
