using Cucos.Reports.Ssdeep;
using Cucos.Workers.Digests;

namespace Cucos.Cli.Commands;

/// <summary><c>cucos ssdeep-compare</c>: the 0-100 similarity of two ssdeep signatures, as <c>ssdeep -a</c> scores them.</summary>
public static class SsdeepCompareCommand
{
    public const string Help = """
        usage: cucos ssdeep-compare SIGNATURE SIGNATURE

        Prints the similarity (0-100) of two ssdeep signatures such as the digests worker's "ssdeep" values
        (BLOCKSIZE:PART:PART). 100 is identical, 0 unrelated or of block sizes too far apart to compare.
        """;

    public static CucosCommand Create() =>
        new CucosCommand("ssdeep-compare", "SIGNATURE SIGNATURE  similarity (0-100) of two ssdeep signatures", Help, "SIGNATURE")
            .Runs((line, console, _) => Task.FromResult(Run(line, console.Out)));

    public static int Run(CommandLine line, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(stdout);
        if (line.Positionals.Count != 2)
            throw new UsageException("ssdeep-compare needs two signatures. See 'cucos ssdeep-compare --help'.");
        try
        {
            stdout.WriteLine(FuzzyHashComparer.Compare(line.Positionals[0], line.Positionals[1]));
            return 0;
        }
        catch (FormatException exception)
        {
            throw new UsageException(exception.Message);
        }
    }
}
