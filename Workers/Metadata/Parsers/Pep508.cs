using System.Text.RegularExpressions;

namespace Cucos.Workers.Metadata.Parsers;

/// <summary>PEP 508 requirement strings: <c>name[extras] (specifiers) ; marker</c> or <c>name @ url</c>.</summary>
public static partial class Pep508
{
    /// <summary>The requirement as a dependency, or null when the line is not a requirement (a comment, an option).</summary>
    public static Dependency? Parse(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
            return null;
        var text = line.Trim();
        if (text.StartsWith('#') || text.StartsWith('-'))
            return null;
        string? marker = null;
        var semicolon = MarkerSeparator().Match(text);
        if (semicolon.Success)
        {
            marker = text[(semicolon.Index + semicolon.Length)..].Trim();
            text = text[..semicolon.Index].Trim();
        }
        var match = RequirementPattern().Match(text);
        if (!match.Success)
            return null;
        var spec = match.Groups["url"].Success ? match.Groups["url"].Value.Trim() : match.Groups["spec"].Value.Trim().Trim('(', ')').Trim();
        spec = WhitespaceInSpec().Replace(spec, "");
        return new Dependency(match.Groups["name"].Value, spec.Length == 0 ? null : spec) { Marker = string.IsNullOrEmpty(marker) ? null : marker };
    }

    /// <summary>The extra a marker puts a requirement under (<c>extra == "dev"</c>), else null.</summary>
    public static string? Extra(string? marker) =>
        marker is not null && ExtraPattern().Match(marker) is { Success: true } m ? m.Groups["extra"].Value : null;

    // A marker follows ';' (after a URL, only '; ' with a space, since URLs may hold ';').
    [GeneratedRegex(@"\s*;\s*(?=[A-Za-z_(""'])")]
    private static partial Regex MarkerSeparator();

    [GeneratedRegex(@"^(?<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:@\s*(?<url>\S+)|(?<spec>.*))$")]
    private static partial Regex RequirementPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceInSpec();

    [GeneratedRegex(@"extra\s*==\s*[""'](?<extra>[^""']+)[""']")]
    private static partial Regex ExtraPattern();
}
