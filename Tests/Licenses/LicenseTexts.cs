using System.Text;
using System.Text.RegularExpressions;
using Cucos.Workers.Licenses;

namespace Cucos.Tests.Licenses;

/// <summary>
/// Licence texts assembled from the vendored SPDX data the way packages carry them: placeholders filled in,
/// rewrapped, other bullets and quotes, a copyright line, inside a source file's comment header.
/// </summary>
public static partial class LicenseTexts
{
    public static string Spdx(string id) => LicenseCatalog.Instance.ById[id].Text;

    /// <summary>The SPDX text with its fill-in parts given values, as a licensee writes it.</summary>
    public static string Filled(string id) => Placeholder().Replace(Spdx(id), m => m.Value.ToLowerInvariant() switch
    {
        var p when p.Contains("year") || p.Contains("yyyy") => "2021",
        _ => "Example Widgets Ltd",
    });

    /// <summary>Paragraphs joined and rewrapped at <paramref name="width"/>, list numbers turned into other bullets.</summary>
    public static string Reformatted(string text, int width, string bullet = "-")
    {
        var builder = new StringBuilder();
        foreach (var paragraph in Regex.Split(text.Replace("\r", ""), @"\n\s*\n"))
        {
            // Copyright lines keep their own lines, as they do in packages; the rest is rewrapped.
            var lines = paragraph.Trim().Split('\n');
            foreach (var copyright in lines.Where(IsCopyright))
                builder.Append(copyright.Trim()).Append('\n');
            var prose = string.Join('\n', lines.Where(l => !IsCopyright(l)));
            var words = ListNumber().Replace(prose, bullet + " ").Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var line = new StringBuilder();
            foreach (var word in words)
            {
                if (line.Length > 0 && line.Length + word.Length + 1 > width)
                {
                    builder.Append(line).Append('\n');
                    line.Clear();
                }
                line.Append(line.Length > 0 ? "  "[..(word.Length % 3 == 0 ? 2 : 1)] : "").Append(word);
            }
            builder.Append(line).Append("\n\n");
        }
        return builder.ToString().Replace('"', '“').Replace("'", "’");
    }

    private static bool IsCopyright(string line) => line.TrimStart().StartsWith("Copyright", StringComparison.OrdinalIgnoreCase);

    /// <summary>A C-like source file whose header comment holds a copyright line and the licence.</summary>
    public static string InCHeader(string licence) =>
        "/*\n * Copyright (c) 2019-2021 Example Widgets Ltd. All rights reserved.\n *\n"
        + string.Join('\n', licence.TrimEnd().Split('\n').Select(l => (" * " + l).TrimEnd()))
        + "\n */\n\n#include <stdio.h>\n\nint main(void) { return puts(\"hello\") < 0; }\n";

    /// <summary>A Python file with the licence in '#' comments.</summary>
    public static string InHashHeader(string licence) =>
        "#!/usr/bin/env python3\n# Copyright 2021 Example Widgets Ltd\n#\n"
        + string.Join('\n', licence.TrimEnd().Split('\n').Select(l => ("# " + l).TrimEnd()))
        + "\n\nimport sys\n\nprint(sys.argv)\n";

    [GeneratedRegex(@"<[^<>\n]{1,60}>|\[(?:yyyy|name of copyright owner|year|fullname)\]", RegexOptions.IgnoreCase)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"(?m)^\s*(?:\d{1,2}|[a-z])[.)]\s+")]
    private static partial Regex ListNumber();
}
