using Cucos.Cli.Commands;

namespace Cucos.Cli;

/// <summary>The command line, callable in-process so tests run it exactly as a user does.</summary>
public static class CucosCli
{
    public const string Help = """
        cucos: package analysis on Microsoft Orleans

        usage:
          cucos analyze PATH [--output FILE] [--tasks a,b] ...   run a whole analysis on an embedded cluster
          cucos analyze PACKAGE --cluster URL|HOST:PORT ...      run it on a running cluster (HTTP API or gateway)
          cucos worker TASK PATH [--output FILE] ...             run one task on a folder, no cluster
          cucos workers                                          list the registered tasks
          cucos migrate [--postgres CONNECTION]                  create or upgrade the PostgreSQL schema
          cucos ssdeep-compare SIGNATURE SIGNATURE               similarity (0-100) of two ssdeep signatures

        'cucos COMMAND --help' describes a command.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Help);
            return args.Length == 0 ? 2 : 0;
        }
        var (command, rest) = (args[0], args[1..]);
        var help = command switch
        {
            "analyze" => AnalyzeCommand.Help,
            "worker" => WorkerCommand.Help,
            "workers" => WorkersCommand.Help,
            "migrate" => MigrateCommand.Help,
            "ssdeep-compare" => SsdeepCompareCommand.Help,
            _ => null,
        };
        if (help is null)
        {
            stderr.WriteLine($"error: unknown command '{command}'.");
            stderr.WriteLine(Help);
            return 2;
        }
        if (rest.Contains("--help") || rest.Contains("-h"))
        {
            stdout.WriteLine(help);
            return 0;
        }
        try
        {
            return command switch
            {
                "analyze" => await AnalyzeCommand.RunAsync(rest, stdout, stderr, cancellationToken),
                "worker" => await WorkerCommand.RunAsync(rest, stdout, stderr, cancellationToken),
                "migrate" => await MigrateCommand.RunAsync(rest, stdout, stderr, cancellationToken),
                "ssdeep-compare" => SsdeepCompareCommand.Run(rest, stdout),
                _ => WorkersCommand.Run(rest, stdout),
            };
        }
        catch (UsageException exception)
        {
            stderr.WriteLine($"error: {exception.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine("interrupted.");
            return 130;
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
}
