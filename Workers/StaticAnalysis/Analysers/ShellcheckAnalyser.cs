using System.Globalization;
using System.Text.Json;

namespace Cucos.Workers.StaticAnalysis.Analysers;

/// <summary>shellcheck on shell scripts, its <c>json1</c> report read.</summary>
public sealed class ShellcheckAnalyser : StaticAnalyser
{
    public override string Name => "shellcheck";
    public override string DebianPackage => "shellcheck";
    public override IReadOnlyList<string> Executables => ["shellcheck"];
    public override IReadOnlySet<string> Languages { get; } = new HashSet<string>(StringComparer.Ordinal) { "Shell" };
    public override Uri? InformationUri => new("https://www.shellcheck.net/");

    public override IReadOnlyList<string> Arguments(IReadOnlyList<string> files) => ["--format=json1", "--", .. files];

    public override IReadOnlyList<AnalyserFinding> Parse(AnalyserOutput output)
    {
        using var report = AnalyserJson.Parse(Name, output.Stdout);
        if (!report.RootElement.TryGetProperty("comments", out var comments))
            throw new FormatException("shellcheck's json1 report has no 'comments'.");
        return [.. comments.EnumerateArray().Select(c => new AnalyserFinding(
            "SC" + c.GetProperty("code").GetInt32().ToString(CultureInfo.InvariantCulture),
            null,
            c.GetProperty("level").GetString() switch
            {
                "error" => FindingSeverity.Error,
                "warning" => FindingSeverity.Warning,
                _ => FindingSeverity.Note,
            },
            [],
            c.GetProperty("file").GetString() ?? "",
            c.GetProperty("line").GetInt32(),
            c.GetProperty("column").GetInt32(),
            c.GetProperty("message").GetString() ?? ""))];
    }
}
