using System.Text.RegularExpressions;

namespace Cucos.Workers.Languages;

/// <summary>Emacs and Vim modelines: the editor mode a file declares for itself in its first or last lines.</summary>
public static partial class Modeline
{
    /// <summary>How many lines at the start and at the end of a file may hold a modeline.</summary>
    public const int SearchLines = 5;

    /// <summary>The mode named by the first modeline in <paramref name="text"/> (Emacs first, then Vim), or null.</summary>
    public static string? Mode(string text)
    {
        var emacs = Emacs().Match(text);
        if (emacs.Success)
            return emacs.Groups["mode"].Value;
        var vim = Vim().Match(text);
        return vim.Success ? vim.Groups["mode"].Value : null;
    }

    /// <summary>
    /// "-*- ruby -*-", or a variable list naming the mode: "-*- coding: utf-8; mode: python -*-". The mode name
    /// ends at whitespace, ';' or the closing "-*-".
    /// </summary>
    [GeneratedRegex(@"-\*-[ \t]*(?:(?<mode>[^:;\s]+?)[ \t]*-\*-|(?:[^\r\n]*?[ \t;])?mode[ \t]*:[ \t]*(?<mode>[^:;\s]+?)(?:[ \t;]|(?<![-*])-\*-)[^\r\n]*?-\*-)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Emacs();

    /// <summary>
    /// "vim: set ft=ruby:", "vi: noai sw=4 filetype=sh", "vim600: syntax=perl", " ex: ft=c": a "vi", "vim"
    /// (optionally versioned), "Vim" or whitespace-led "ex" marker, options, then filetype, ft or syntax.
    /// </summary>
    [GeneratedRegex(@"(?:(?:^|[ \t])(?:vi|Vim|vim(?:[<=>]?\d+)?)|[ \t]ex):(?:[ \t]*se(?:t)?[ \t])?(?:[^\r\n]*?[ \t:])?(?:filetype|ft|syntax)[ \t]*=(?<mode>\w+)(?=$|\s|:)",
        RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Vim();
}
