using System.Text.RegularExpressions;

namespace Cucos.Workers.Licenses;

/// <summary>A copyright statement and the holder it names.</summary>
public sealed record CopyrightStatement(int Line, string Statement, string? Years, string? Holder);

/// <summary>Finds copyright statements ("Copyright (c) 2019-2024 Jane Doe", "© ACME Inc.") and their holders.</summary>
public static partial class CopyrightFinder
{
    // A statement starts with "Copyright", "(c)" or "©"; what follows tells it from prose about copyright.
    [GeneratedRegex(@"^(?:copyright\b|\(c\)|©)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Start();

    // Words after "Copyright" that make it prose ("copyright notice", "copyright holders"), not a statement.
    [GeneratedRegex(@"^(?:copyright\s*)?(?:notices?|holders?|owners?|laws?|and\b|or\b|in\b|is\b|to\b|for\b|of\b|on\b|under\b|statements?|protection|infringement|license|licence|the\s+(?:above|copyright|following)|this\b|\W*$)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Prose();

    [GeneratedRegex(@"^(?:(?:copyright|\(c\)|©|\(C\))[\s:,]*)+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Markers();

    [GeneratedRegex(@"^(?:(?:19|20)\d\d(?:\s*[-–,/]\s*(?:(?:19|20)\d\d|\d\d|present))*[\s,.;:]*)+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Years();

    [GeneratedRegex(@"(?:[\s,.;]*(?:all\s+rights\s+reserved|\*/|-->|""""""|'''|\(c\)|©)[\s.,;]*)+$|[\s,.;]+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Tail();

    /// <summary>Whether a line (comment markers already stripped) is a copyright statement.</summary>
    public static bool IsStatement(string body)
    {
        if (!Start().IsMatch(body))
            return false;
        var rest = body.AsSpan(body.IndexOfAny([' ', '\t', ':']) is var space and >= 0 ? space : body.Length).TrimStart(" \t:").ToString();
        if (body.StartsWith("(c)", StringComparison.OrdinalIgnoreCase) || body.StartsWith('©'))
            rest = body[(body.StartsWith('©') ? 1 : 3)..].TrimStart();
        return !Prose().IsMatch(rest);
    }

    /// <summary>The statement on a line, or null; the holder is what remains without markers, years and "all rights reserved".</summary>
    public static CopyrightStatement? Find(string line, int lineNumber)
    {
        var body = LicenseText.StripPrefix(line).Trim();
        if (!IsStatement(body))
            return null;
        var statement = Tail().Replace(body, "");
        if (statement.Length > 300)
            statement = statement[..300];
        var rest = Markers().Replace(statement, "");
        var years = Years().Match(rest);
        var holder = rest[years.Length..].Trim();
        if (holder.StartsWith("by ", StringComparison.OrdinalIgnoreCase))
            holder = holder[3..].Trim();
        holder = Tail().Replace(holder, "").Trim();
        var yearText = years.Success && years.Length > 0 ? years.Value.Trim().TrimEnd(',', '.', ';', ':').Trim() : null;
        return new CopyrightStatement(lineNumber, statement, yearText, holder.Length > 1 && holder.Any(char.IsLetter) ? holder : null);
    }
}
