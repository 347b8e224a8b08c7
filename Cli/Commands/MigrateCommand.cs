using Cucos.Persistence;

namespace Cucos.Cli.Commands;

/// <summary><c>cucos migrate --postgres CONNECTION</c>: brings a PostgreSQL database to this version's schema.</summary>
public static class MigrateCommand
{
    public const string Help = """
        usage: cucos migrate [--postgres CONNECTION]

        Creates or upgrades the Cucos schema in a PostgreSQL database: the Orleans clustering, storage and
        reminder tables and their queries. Safe to run again, and from several places at once.

          --postgres CONNECTION   e.g. "Host=127.0.0.1;Port=5432;Username=cucos;Password=...;Database=cucos"
                                  (default: the environment variable ConnectionStrings__Cucos)

        Exit codes: 0 the schema is current, 1 the database could not be migrated, 2 bad usage.
        """;

    public const string ConnectionVariable = "ConnectionStrings__Cucos";

    public static CucosCommand Create() =>
        new CucosCommand("migrate", "create or upgrade the PostgreSQL schema (--postgres CONNECTION)", Help)
            .Value("--postgres", "the PostgreSQL connection string")
            .Runs((line, console, cancellationToken) => RunAsync(line, console.Out, console.Error, cancellationToken));

    public static async Task<int> RunAsync(CommandLine line, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (line.Positionals.Count > 0)
            throw new UsageException("migrate takes no positional arguments. See 'cucos migrate --help'.");
        var connection = ConnectionString(line);
        try
        {
            var report = await new DatabaseMigrator(connection).MigrateAsync(cancellationToken);
            foreach (var migration in report.Applied)
                stdout.WriteLine($"applied {migration.Version:0000} {migration.Name}");
            stdout.WriteLine($"schema version {report.SchemaVersion} {DatabaseMigrator.Describe(connection)}: up to date");
            return 0;
        }
        catch (DatabaseNotReadyException exception)
        {
            stderr.WriteLine($"error: {exception.Message}");
            return 1;
        }
    }

    /// <summary>--postgres, else ConnectionStrings__Cucos; a usage error when neither is given.</summary>
    public static string ConnectionString(CommandLine line) =>
        line.Value("--postgres")
        ?? (Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null)
        ?? throw new UsageException($"no PostgreSQL connection: give --postgres \"Host=...;Database=...\" or set {ConnectionVariable}.");
}
