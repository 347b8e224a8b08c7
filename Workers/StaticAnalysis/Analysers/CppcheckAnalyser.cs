using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Cucos.Workers.StaticAnalysis.Analysers;

/// <summary>cppcheck on C and C++ files, its XML report (version 2, printed on standard error) read.</summary>
public sealed class CppcheckAnalyser : StaticAnalyser
{
    public override string Name => "cppcheck";
    public override string DebianPackage => "cppcheck";
    public override IReadOnlyList<string> Executables => ["cppcheck"];
    public override IReadOnlySet<string> Languages { get; } = new HashSet<string>(StringComparer.Ordinal) { "C", "C++" };
    public override Uri? InformationUri => new("https://cppcheck.sourceforge.io/");

    // The default checks (errors) and those of likely defects; not "information", whose notes are about cppcheck's own configuration.
    public override IReadOnlyList<string> Arguments(IReadOnlyList<string> files) =>
        ["--xml", "--xml-version=2", "--enable=warning,style,performance,portability", "--quiet", .. files];

    public override bool RanToTheEnd(int exitCode) => exitCode == 0;

    public override IReadOnlyList<AnalyserFinding> Parse(AnalyserOutput output)
    {
        XDocument report;
        try
        {
            report = XDocument.Parse(output.Stderr);
        }
        catch (XmlException e)
        {
            throw new FormatException($"cppcheck's XML report cannot be read: {e.Message}", e);
        }
        var findings = new List<AnalyserFinding>();
        foreach (var error in report.Descendants("error"))
        {
            // The first location is where the defect is; the others are the steps that lead to it.
            if (error.Element("location") is not { } location)
                continue;
            var cwe = int.TryParse((string?)error.Attribute("cwe"), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
                ? new[] { id } : [];
            var column = (int?)location.Attribute("column");
            findings.Add(new AnalyserFinding(
                (string?)error.Attribute("id") ?? "unknown",
                null,
                (string?)error.Attribute("severity") switch
                {
                    "error" => FindingSeverity.Error,
                    "warning" => FindingSeverity.Warning,
                    _ => FindingSeverity.Note,
                },
                cwe,
                (string?)location.Attribute("file") ?? "",
                (int?)location.Attribute("line") ?? 0,
                column is > 0 ? column : null,
                (string?)error.Attribute("msg") ?? ""));
        }
        return findings;
    }
}
