using System.CommandLine;

namespace Cucos.Cli;

/// <summary>Where a command writes: its result on <see cref="Out"/>, progress, logs and errors on <see cref="Error"/>.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error);

/// <summary>What a command runs once its line is parsed: an exit code.</summary>
public delegate Task<int> CucosCommandAction(CommandLine line, CliConsole console, CancellationToken cancellationToken);

/// <summary>
/// A <c>cucos</c> command: System.CommandLine's <see cref="Command"/> with its hand-written help (a person's
/// description, with examples and exit codes, rather than a generated option list), positionals that the command
/// counts itself (so it can say what is missing), and options declared in one line each.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1010", Justification = "System.CommandLine's Command is enumerable for collection initialisers; the children are read through Options and Arguments.")]
public sealed class CucosCommand : Command
{
    public CucosCommand(string name, string summary, string help, string positionalsName = "ARGS") : base(name, summary)
    {
        HelpText = help;
        Positionals = new Argument<string[]>(positionalsName) { Arity = ArgumentArity.ZeroOrMore };
        Arguments.Add(Positionals);
    }

    /// <summary>What <c>cucos help NAME</c> and <c>cucos NAME --help</c> print.</summary>
    public string HelpText { get; }

    public Argument<string[]> Positionals { get; }

    /// <summary>What the command does, with the console it writes to; set by <see cref="Runs"/>.</summary>
    public CucosCommandAction? Run { get; private set; }

    /// <summary>An option with one value (the last one given counts).</summary>
    public CucosCommand Value(string name, string description, params string[] aliases)
    {
        Options.Add(new Option<string>(name, aliases) { Description = description });
        return this;
    }

    /// <summary>A repeatable option, one value each time it is given.</summary>
    public CucosCommand Repeatable(string name, string description, params string[] aliases)
    {
        // OneOrMore over all its occurrences; AllowMultipleArgumentsPerToken off makes each occurrence take one value, so a
        // positional after "--param a=b" stays a positional. (ExactlyOne on an array option fails to convert any value.)
        Options.Add(new Option<string[]>(name, aliases) { Description = description, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false });
        return this;
    }

    /// <summary>An option that stands alone.</summary>
    public CucosCommand Flag(string name, string description, params string[] aliases)
    {
        Options.Add(new Option<bool>(name, aliases) { Description = description });
        return this;
    }

    /// <summary>Offers these words when the shell completes the option's value.</summary>
    public CucosCommand Completing(string name, params string[] words)
    {
        Options.First(o => o.Name == name).CompletionSources.Add(words);
        return this;
    }

    public CucosCommand Runs(CucosCommandAction action)
    {
        Run = action;
        return this;
    }
}
