namespace Cucos.Cli.Commands;

/// <summary>
/// <c>cucos completion bash|zsh</c>: a script that makes the shell complete commands, options and their values by
/// asking cucos itself (System.CommandLine's <c>[suggest]</c> directive), so it never lags behind the commands.
/// </summary>
public static class CompletionCommand
{
    public const string Help = """
        usage: cucos completion bash|zsh

        Prints a script that teaches the shell to complete cucos' commands, options and their values. Load it
        in the current shell, or add the line to ~/.bashrc or ~/.zshrc:

          source <(cucos completion bash)
          source <(cucos completion zsh)

        The script asks cucos for the words that fit ('cucos "[suggest:POSITION]" "LINE"'), so completions
        follow the installed version.
        """;

    public static readonly string[] Shells = ["bash", "zsh"];

    public static CucosCommand Create() =>
        new CucosCommand("completion", "bash|zsh  a script for tab completion (source <(cucos completion bash))", Help, "SHELL")
            .Runs((line, console, _) => Task.FromResult(Run(line, console.Out)));

    private static int Run(CommandLine line, TextWriter stdout)
    {
        if (line.Positionals.Count != 1 || !Shells.Contains(line.Positionals[0]))
            throw new UsageException($"completion needs a shell: {string.Join(" or ", Shells)}, e.g. 'source <(cucos completion bash)'.");
        stdout.Write(line.Positionals[0] == "bash" ? Bash : Zsh);
        return 0;
    }

    // COMP_POINT counts characters of COMP_LINE, which is what the directive's position means.
    private const string Bash = """
        # cucos tab completion for bash: source <(cucos completion bash)
        _cucos_complete()
        {
            local IFS=$'\n'
            local words
            words=$("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)
            COMPREPLY=( $(compgen -W "${words}" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _cucos_complete cucos

        """;

    private const string Zsh = """
        # cucos tab completion for zsh: source <(cucos completion zsh)
        _cucos_complete()
        {
            local -a words
            words=("${(@f)$(cucos "[suggest:${#BUFFER}]" "${BUFFER}" 2>/dev/null)}")
            compadd -a words
        }
        compdef _cucos_complete cucos

        """;
}
