namespace Cucos.Cli;

/// <summary>A mistake in how the command was called: printed with a hint, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>A command's arguments: positionals, <c>--flag</c>s and <c>--option value</c>s (also <c>--option=value</c>).</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> values = new(StringComparer.Ordinal);
    private readonly HashSet<string> flags = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Positionals { get; }

    /// <param name="valueOptions">Options that take a value.</param>
    /// <param name="flagOptions">Options that stand alone.</param>
    public CommandLine(string command, IEnumerable<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flagOptions)
    {
        var positionals = new List<string>();
        using var arg = args.GetEnumerator();
        while (arg.MoveNext())
        {
            var current = arg.Current;
            if (current == "--")
            {
                while (arg.MoveNext())
                    positionals.Add(arg.Current);
                break;
            }
            if (!current.StartsWith("--", StringComparison.Ordinal) || current.Length == 2)
            {
                positionals.Add(current);
                continue;
            }
            var (name, inline) = current.IndexOf('=') is var eq and > 0 ? (current[..eq], current[(eq + 1)..]) : (current, null);
            if (flagOptions.Contains(name))
            {
                if (inline is not null)
                    throw new UsageException($"option '{name}' takes no value. See 'cucos {command} --help'.");
                flags.Add(name);
            }
            else if (valueOptions.Contains(name))
            {
                var value = inline ?? (arg.MoveNext() ? arg.Current : throw new UsageException($"option '{name}' needs a value. See 'cucos {command} --help'."));
                if (!values.TryGetValue(name, out var list))
                    values[name] = list = [];
                list.Add(value);
            }
            else
                throw new UsageException($"unknown option '{name}' for '{command}'. See 'cucos {command} --help'.");
        }
        Positionals = positionals;
    }

    public bool Has(string flag) => flags.Contains(flag);

    public string? Value(string option) => values.TryGetValue(option, out var list) ? list[^1] : null;

    public IReadOnlyList<string> Values(string option) => values.TryGetValue(option, out var list) ? list : [];

    /// <summary><c>key=value</c> pairs given with a repeatable option.</summary>
    public Dictionary<string, string> Pairs(string option, string command)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in Values(option))
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0)
                throw new UsageException($"'{option} {pair}' is not of the form name=value. See 'cucos {command} --help'.");
            pairs[pair[..eq]] = pair[(eq + 1)..];
        }
        return pairs;
    }
}
