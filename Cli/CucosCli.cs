using System.CommandLine;
using System.CommandLine.Parsing;
using System.Reflection;
using System.Text;
using Cucos.Cli.Commands;

namespace Cucos.Cli;

/// <summary>The command line, callable in-process so tests run it exactly as a user does.</summary>
public static class CucosCli
{
    /// <summary>
    /// Every command, in the order the help lists them. Adding a command is one file under <c>Cli/Commands/</c>
    /// (a <c>Create()</c> returning its <see cref="CucosCommand"/>) and one line here.
    /// </summary>
    public static IReadOnlyList<CucosCommand> Commands() =>
    [
        AnalyzeCommand.Create(),
        WorkerCommand.Create(),
        WorkersCommand.Create(),
        RerunCommand.Create(),
        DiffCommand.Create(),
        MigrateCommand.Create(),
        AdvisoriesCommand.Create(),
        SsdeepCompareCommand.Create(),
        CompletionCommand.Create(),
    ];

    /// <summary>The exit code of a command stopped by SIGINT (Ctrl+C): 128 + 2.</summary>
    public const int InterruptedExitCode = 130;

    /// <summary>The exit code of a command stopped by SIGTERM: 128 + 15.</summary>
    public const int TerminatedExitCode = 143;

    /// <summary>This build's version, as <c>cucos --version</c> prints it (the informational version, without the source hash).</summary>
    public static string Version
    {
        get
        {
            var version = typeof(CucosCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? typeof(CucosCli).Assembly.GetName().Version?.ToString() ?? "unknown";
            return version.Split('+')[0];
        }
    }

    /// <summary>The top-level help: the commands and their one-line summaries, from <see cref="Commands"/>.</summary>
    public static string Help
    {
        get
        {
            var commands = Commands();
            var width = commands.Max(c => c.Name.Length) + 2;
            var text = new StringBuilder();
            text.AppendLine("cucos: package analysis on Microsoft Orleans");
            text.AppendLine();
            text.AppendLine("usage: cucos COMMAND [options]");
            text.AppendLine();
            text.AppendLine("commands:");
            foreach (var command in commands)
                text.AppendLine($"  {command.Name.PadRight(width)}{command.Description}");
            text.AppendLine($"  {"help".PadRight(width)}help COMMAND describes a command (as does 'cucos COMMAND --help')");
            text.AppendLine();
            text.AppendLine("  --version     print the version and exit");
            text.Append("  -h, --help    print this help");
            return text.ToString();
        }
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Length == 0)
        {
            stderr.WriteLine(Help);
            return 2;
        }
        var commands = Commands();
        switch (args[0])
        {
            case "-h" or "--help":
                stdout.WriteLine(Help);
                return 0;
            case "--version":
                stdout.WriteLine($"cucos {Version}");
                return 0;
            case "help":
                return HelpFor(args[1..], commands, stdout, stderr);
        }
        var root = new RootCommand("cucos: package analysis on Microsoft Orleans");
        foreach (var command in commands)
            root.Subcommands.Add(command);
        var parsed = root.Parse(args);
        if (args[0].StartsWith("[suggest", StringComparison.Ordinal))
            // Tab completion: the shell script of 'cucos completion' asks for the words that fit the line so far.
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken);
        if (parsed.CommandResult.Command is not CucosCommand chosen)
        {
            stderr.WriteLine($"error: unknown command '{args[0]}'.");
            stderr.WriteLine(Help);
            return 2;
        }
        var beforeDoubleDash = args.TakeWhile(a => a != "--");
        if (beforeDoubleDash.Any(a => a is "--help" or "-h" or "-?"))
        {
            stdout.WriteLine(chosen.HelpText);
            return 0;
        }
        try
        {
            if (parsed.Errors.Count > 0)
                throw new UsageException(Describe(parsed.Errors[0], chosen));
            var line = new CommandLine(parsed, chosen);
            return await chosen.Run!(line, new CliConsole(stdout, stderr), cancellationToken);
        }
        catch (UsageException exception)
        {
            stderr.WriteLine($"error: {exception.Message}");
            return 2;
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Whatever a stop throws on its way out (a cancelled wait, a client whose cluster went away) is the stop.
            stderr.WriteLine("interrupted: the command stopped before it finished, and its embedded cluster (if any) was shut down.");
            return InterruptedExitCode;
        }
        catch (ArgumentException exception)
        {
            stderr.WriteLine($"error: {exception.Message}");
            return 2;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"error: {exception.Message}");
            return 1;
        }
    }

    /// <summary><c>cucos help</c> and <c>cucos help COMMAND</c>.</summary>
    private static int HelpFor(string[] rest, IReadOnlyList<CucosCommand> commands, TextWriter stdout, TextWriter stderr)
    {
        if (rest.Length == 0)
        {
            stdout.WriteLine(Help);
            return 0;
        }
        if (commands.FirstOrDefault(c => c.Name == rest[0]) is { } command)
        {
            stdout.WriteLine(command.HelpText);
            return 0;
        }
        stderr.WriteLine($"error: 'cucos help {rest[0]}': there is no command '{rest[0]}'. The commands: {string.Join(", ", commands.Select(c => c.Name))}.");
        return 2;
    }

    /// <summary>The parser's complaint in this CLI's words: what was wrong and where to read more.</summary>
    private static string Describe(ParseError error, CucosCommand command)
    {
        var seeHelp = $"See 'cucos {command.Name} --help'.";
        if (error.SymbolResult is OptionResult option)
            return option.Tokens.Count == 0
                ? $"option '{option.Option.Name}' needs a value. {seeHelp}"
                : $"option '{option.Option.Name}': {error.Message} {seeHelp}";
        return $"{error.Message} {seeHelp}";
    }
}
