using System.CommandLine;
using System.CommandLine.Parsing;

namespace Cucos.Cli;

/// <summary>A mistake in how the command was called: printed with a hint, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// A command's parsed arguments, read by option name: positionals, flags, options with a value and repeatable
/// options. System.CommandLine parses; this is the small surface the commands read, so a command reads alike
/// whichever options it declares.
/// </summary>
public sealed class CommandLine
{
    private readonly ParseResult parsed;
    private readonly Dictionary<string, Option> options;

    public CommandLine(ParseResult parsed, CucosCommand command)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(command);
        this.parsed = parsed;
        Command = command;
        options = command.Options.ToDictionary(o => o.Name, StringComparer.Ordinal);
        Positionals = parsed.GetValue(command.Positionals) ?? [];
        // An unknown '--option' parses as a positional; only one after '--' is meant as one.
        foreach (var token in parsed.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
                break;
            if (token.Type == TokenType.Argument && token.Value.Length > 1 && token.Value[0] == '-' && Positionals.Contains(token.Value))
                throw new UsageException($"unknown option '{token.Value}' for '{command.Name}'. See 'cucos {command.Name} --help'.");
        }
    }

    public CucosCommand Command { get; }

    public IReadOnlyList<string> Positionals { get; }

    public bool Has(string flag) => options.TryGetValue(flag, out var option) && option is Option<bool> boolean && parsed.GetValue(boolean);

    public string? Value(string option) => options.GetValueOrDefault(option) switch
    {
        Option<string> single => parsed.GetValue(single),
        Option<string[]> many => parsed.GetValue(many) is { Length: > 0 } values ? values[^1] : null,
        _ => null,
    };

    public IReadOnlyList<string> Values(string option) => options.GetValueOrDefault(option) switch
    {
        Option<string[]> many => parsed.GetValue(many) ?? [],
        Option<string> single => parsed.GetValue(single) is { } value ? [value] : [],
        _ => [],
    };

    /// <summary>A whole number of at least <paramref name="minimum"/>, or null when the option is not given.</summary>
    public int? Number(string option, int minimum)
    {
        if (Value(option) is not { } text)
            return null;
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number >= minimum
            ? number
            : throw new UsageException($"{option} '{text}' is not a whole number of at least {minimum}. See 'cucos {Command.Name} --help'.");
    }

    /// <summary><c>key=value</c> pairs given with a repeatable option.</summary>
    public Dictionary<string, string> Pairs(string option, string command)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in Values(option))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw new UsageException($"'{option} {pair}' is not of the form name=value. See 'cucos {command} --help'.");
            pairs[pair[..eq]] = pair[(eq + 1)..];
        }
        return pairs;
    }
}
