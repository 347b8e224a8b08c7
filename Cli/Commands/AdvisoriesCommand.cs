using Cucos.Persistence;
using Cucos.Persistence.Advisories;
using Cucos.Sdk;
using Cucos.Workers.Registries;
using Cucos.Workers.SecurityIssues;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Cucos.Cli.Commands;

/// <summary><c>cucos advisories import SOURCE</c>: loads OSV records into the PostgreSQL tables, or into the embedded profile's cache folder.</summary>
public static class AdvisoriesCommand
{
    public const string Help = """
        usage: cucos advisories import DIR|ZIP|JSON|URL [--postgres CONNECTION | --cache-dir DIR]

        Loads OSV advisory records for security_issues: a folder in OSV-Scanner's offline layout
        (<Ecosystem>/all.zip, plus any other .zip exports and loose .json records below it), one all.zip,
        one .json record, or an http(s) URL of a zip or a record. Each record is stored by id, keeping the
        newest 'modified', so importing the same source again changes nothing. Records that cannot be
        read (a corrupt zip or entry, a record breaking the OSV schema, an affected package of an ecosystem
        security_issues does not know) are counted and listed, and the rest is imported.

          --postgres CONNECTION  import into the cucos_advisories tables of this database (migrated with
                                 'cucos migrate'); the default when ConnectionStrings__Cucos is set.
                                 Silos read them with Cucos:Advisories:Store=postgres.
          --cache-dir DIR        import into this cache folder (default: Cucos:Advisories:CacheDirectory,
                                 else $XDG_CACHE_HOME/cucos/advisories, else ~/.cache/cucos/advisories);
                                 'cucos analyze' reads it when no advisory source is configured.

        Exit codes: 0 imported (skipped records are reported, not fatal), 1 the source or the database
        could not be read at all, 2 bad usage.
        """;

    public static CucosCommand Create() =>
        new CucosCommand("advisories", "import OSV advisories (advisories import DIR|ZIP|URL) for security_issues", Help, "import SOURCE")
            .Value("--postgres", "the PostgreSQL connection string")
            .Value("--cache-dir", "the embedded profile's advisory cache folder")
            .Runs((line, console, cancellationToken) => RunAsync(line, console.Out, console.Error, cancellationToken));

    public static async Task<int> RunAsync(CommandLine line, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (line.Positionals is not ["import", var source])
            throw new UsageException("advisories takes 'import' and one source: cucos advisories import DIR|ZIP|URL. See 'cucos advisories --help'.");
        var postgres = line.Value("--postgres");
        var cacheDir = line.Value("--cache-dir");
        if (postgres is not null && cacheDir is not null)
            throw new UsageException("give --postgres or --cache-dir, not both: the records go into one store.");
        if (postgres is null && cacheDir is null && Environment.GetEnvironmentVariable(MigrateCommand.ConnectionVariable) is { Length: > 0 } fromEnvironment)
            postgres = fromEnvironment;

        var importId = Guid.NewGuid().ToString("N");
        using var http = RegistryHttp.CreateClient();
        try
        {
            AdvisoryImportRecord import;
            string into;
            if (postgres is not null)
            {
                await new DatabaseMigrator(postgres).EnsureReadyAsync(cancellationToken);
                await using var database = NpgsqlDataSource.Create(postgres);
                into = $"PostgreSQL {DatabaseMigrator.Describe(postgres)}";
                import = await new AdvisoryImport(new PostgresAdvisoryStore(database)).ImportAsync(source, importId, http, cancellationToken);
            }
            else
            {
                var configured = new ConfigurationBuilder().AddEnvironmentVariables().Build()[AdvisoryCacheStore.CacheDirectoryKey];
                var folder = AdvisoryCacheStore.DefaultFolder(cacheDir ?? configured);
                into = $"the cache folder {folder}";
                import = await new AdvisoryImport(new AdvisoryCacheStore(folder)).ImportAsync(source, importId, http, cancellationToken);
            }
            Print(stdout, import, into);
            return 0;
        }
        catch (Exception exception) when (exception is AdvisoryImportException or DatabaseNotReadyException or IOException or UnauthorizedAccessException or NpgsqlException)
        {
            stderr.WriteLine($"error: {exception.Message}");
            return 1;
        }
    }

    private static void Print(TextWriter stdout, AdvisoryImportRecord import, string into)
    {
        stdout.WriteLine($"imported {import.Source} into {into} (import {import.ImportId})");
        foreach (var part in import.Parts)
            stdout.WriteLine($"  part {part.Name}  sha256 {part.Digest}");
        stdout.WriteLine($"  records {import.Records}: new {import.Inserted}, updated {import.Updated}, unchanged {import.Unchanged}, withdrawn {import.Withdrawn}; skipped {import.Skipped}");
        foreach (var message in import.Messages)
            stdout.WriteLine($"  skipped: {message}");
        if (import.Skipped > import.Messages.Count)
            stdout.WriteLine($"  ... and {import.Skipped - import.Messages.Count} more skipped");
    }
}
