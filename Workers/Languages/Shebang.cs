using System.Text.RegularExpressions;

namespace Cucos.Workers.Languages;

/// <summary>The interpreter a "#!" line names, the way Linguist reads it.</summary>
public static partial class Shebang
{
    /// <summary>
    /// "#!/usr/bin/python3.11" gives "python3"; "#!/usr/bin/env -S VAR=1 node" gives "node"; a /bin/sh script
    /// that re-executes itself ("exec tclsh "$0" "$@"") gives that program; "osascript -l JavaScript" gives null,
    /// the language being named by the option rather than the interpreter.
    /// </summary>
    public static string? Interpreter(string content)
    {
        if (!content.StartsWith("#!", StringComparison.Ordinal))
            return null;
        var newline = content.IndexOf('\n');
        var line = newline < 0 ? content : content[..newline];
        var command = FirstWord().Match(line, 2);
        if (!command.Success)
            return null;
        var script = command.Value[(command.Value.LastIndexOf('/') + 1)..];
        var rest = line[(command.Index + command.Length)..];
        if (script == "env")
        {
            var program = EnvProgram().Match(rest);
            if (!program.Success)
                return null;
            script = program.Groups["program"].Value;
            rest = rest[(program.Index + program.Length)..];
        }
        script = VersionSuffix().Replace(script, "");
        if (script == "sh" && ExecItself().Match(string.Join('\n', content.Split('\n', 6).Take(5))) is { Success: true } exec)
            script = exec.Groups[1].Value;
        if (script == "osascript" && LanguageOption().IsMatch(rest))
            return null;
        return script[(script.LastIndexOf('/') + 1)..];
    }

    [GeneratedRegex(@"\G\s*\S+")]
    private static partial Regex FirstWord();

    /// <summary>After "env": options ("-S", "--split-string") and VAR=value assignments, then the program.</summary>
    [GeneratedRegex(@"^\s+(?:(?:-[i0uCSv]*|--\S+|\S+=\S+)\s+)*(?<program>\S+)")]
    private static partial Regex EnvProgram();

    [GeneratedRegex(@"\.\d+$")]
    private static partial Regex VersionSuffix();

    [GeneratedRegex(@"exec (\w+).+\$0.+\$@")]
    private static partial Regex ExecItself();

    [GeneratedRegex(@"-l\s?")]
    private static partial Regex LanguageOption();
}
