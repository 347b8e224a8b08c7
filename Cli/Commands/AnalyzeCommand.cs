using Cucos.Cli.Output;
using Cucos.Client;
using Cucos.Grains.Hosting;
using Cucos.Messages;
using Cucos.Persistence;
using Cucos.Sdk;
using Cucos.Sdk.Ecosystems;
using Cucos.State;
using Cucos.Workers;
using Cucos.Workers.Init;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Cucos.Cli.Commands;

/// <summary><c>cucos analyze PATH</c>: a whole analysis on an embedded single-silo cluster.</summary>
public static class AnalyzeCommand
{
    /// <summary>The help text, its ecosystems read from the built-in catalog.</summary>
    public static string Help => $"""
        usage: cucos analyze PATH|ECOSYSTEM:NAME@VERSION [options]

        Runs a whole analysis of a local directory or archive, or of a package fetched from
        its registry, on an embedded cluster (one silo in this process, state in memory:
        nothing to install or start).

          PATH                 a directory, or an archive: .tar.gz, .tgz, .crate, .tar, .tar.bz2,
                               .tar.xz, .zip (.jar, .nupkg, .whl), .gem
          ECOSYSTEM:NAME@VERSION  a package of {HelpEcosystems.Ids} (or of an
                               ecosystem a plug-in adds), e.g. {HelpEcosystems.Examples}
          --registry ECO=URL   the base URL of a {HelpEcosystems.BaseUrlIds} registry
                               (repeatable; same as Cucos__Registries__ECO in the environment).
                               {HelpEcosystems.Native}
          --task-assemblies P  ';'-separated plug-in assemblies whose tasks and ecosystems are
                               loaded (same as Cucos__TaskAssemblies in the environment)
          --output FILE        also write the full analysis and every result as JSON
          --tasks a,b          run only these tasks under init (default: the whole default flow)
          --param NAME=VALUE   a parameter for the tasks (repeatable)
          --cache DIR          where the analysis unpacks the package (default: the system temp folder)
          --keep-cache         keep the unpacked package after the analysis
          --postgres CONN      store state, results and reminders in this PostgreSQL database
                               (migrated with 'cucos migrate'); default: in memory
          --quiet              no progress lines, only the summary
          --verbose            the cluster's own log on stderr

        On a running cluster instead of an embedded one (packages only: the cluster cannot
        see this machine's files):
          --cluster URL|HOST:PORT  a silo's HTTP API (http://host:8080) or a silo's Orleans
                               gateway (host:30000); the result is printed the same way
          --cluster-id ID      the cluster id for a gateway (its Cucos:ClusterId; default cucos)
          --force              start a new analysis even when the cluster has one of this
                               version (without it the current one is reused)

        Exit codes: 0 every task succeeded, 3 finished with failed or skipped tasks,
        1 the analysis failed (init could not lay out the package) or the cluster could not
        be reached, 2 bad usage, 130 interrupted.
        """;

    private static readonly string[] ValueOptions = ["--output", "--tasks", "--param", "--cache", "--postgres", "--registry", "--cluster", "--cluster-id", "--task-assemblies"];
    private static readonly string[] FlagOptions = ["--keep-cache", "--quiet", "--verbose", "--force"];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var line = new CommandLine("analyze", args, ValueOptions, FlagOptions);
        if (line.Positionals.Count != 1)
            throw new UsageException(line.Positionals.Count == 0
                ? "analyze needs a PATH (a directory or an archive) or a package as ECOSYSTEM:NAME@VERSION. See 'cucos analyze --help'."
                : $"analyze takes one PATH or package, not {line.Positionals.Count}. See 'cucos analyze --help'.");
        var tasks = line.Value("--tasks")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (line.Value("--cluster") is { } cluster)
            return await ClusterAnalysis.RunAsync(cluster, line, tasks, stdout, stderr, cancellationToken);
        if (line.Value("--cluster-id") is not null)
            throw new UsageException("--cluster-id goes with --cluster HOST:PORT (a gateway). See 'cucos analyze --help'.");
        var plugins = TaskAssemblies(line);
        var ecosystems = Catalog(plugins);
        var request = KnownEcosystem(ecosystems, Request(line.Positionals[0], tasks));
        var registries = RegistrySettings(ecosystems, line.Pairs("--registry", "analyze"));
        var output = line.Value("--output");
        CliJson.CheckWritable(output);
        var parameters = line.Pairs("--param", "analyze");
        var cacheRoot = line.Value("--cache");
        var postgres = line.Value("--postgres");
        if (postgres is not null)
        {
            try
            {
                await new DatabaseMigrator(postgres).EnsureReadyAsync(cancellationToken);
            }
            catch (DatabaseNotReadyException exception)
            {
                stderr.WriteLine($"error: {exception.Message}");
                return 1;
            }
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddEnvironmentVariables().AddInMemoryCollection(registries);
        ConfigureLogging(builder.Logging, line.Has("--verbose"));
        builder.UseCucosEmbeddedCluster(options =>
        {
            if (cacheRoot is not null)
                options.CacheRoot = Path.GetFullPath(cacheRoot);
        }, postgres is null ? null : silo => silo.UseCucosPostgresStorage(postgres));
        builder.Services.AddCucosBuiltInTasks().AddCucosTaskAssemblies(plugins);
        builder.Services.AddCucosClient();
        using var host = builder.Build();

        var registry = host.Services.GetRequiredService<TaskRegistry>();
        if (tasks is not null && registry.Unknown(tasks) is { Count: > 0 } unknown)
            throw new UsageException($"unknown task(s) in --tasks: {string.Join(", ", unknown)}. 'cucos workers' lists the tasks.");

        await host.StartAsync(cancellationToken);
        try
        {
            var client = host.Services.GetRequiredService<ICucosClient>();
            request = request with
            {
                KeepCache = line.Has("--keep-cache"),
                Parameters = parameters.Count > 0 ? parameters : null,
            };
            return await RunAnalysisAsync(client, request, line, output, stdout, stderr, cancellationToken);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Starts the analysis, prints its progress and summary, writes <c>--output</c>: the same for an embedded cluster,
    /// a cluster's gateway and a silo's HTTP API, so all three print alike.
    /// </summary>
    internal static async Task<int> RunAnalysisAsync(
        ICucosClient client, AnalysisRequest request, CommandLine line, string? output, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var printer = new AnalysisPrinter(stderr, stdout, TimeProvider.System);
        AnalysisTicket ticket;
        try
        {
            ticket = await client.StartAnalysisAsync(request, cancellationToken);
        }
        catch (InvalidAnalysisRequestException invalid)
        {
            // The cluster's own words, whichever door the request went through: bad usage.
            stderr.WriteLine($"error: {invalid.Message}");
            return 2;
        }
        var progress = line.Has("--quiet") ? null : new SynchronousProgress<AnalysisSnapshot>(printer.Progress);
        var analysis = await client.WaitForCompletionAsync(ticket.AnalysisId, progress, cancellationToken);

        if (!line.Has("--quiet"))
            stderr.WriteLine();
        printer.Summary(analysis);
        if (output is not null)
        {
            var results = new SortedDictionary<string, object?>(StringComparer.Ordinal);
            foreach (var name in analysis.Tasks.Keys)
                results[name] = await client.GetResultAsync(analysis.AnalysisId, name, cancellationToken);
            await CliJson.WriteFileAsync(output, new { analysis, results }, cancellationToken);
            stdout.WriteLine();
            stdout.WriteLine($"Full results written to {Path.GetFullPath(output)}");
        }
        return ExitCode(analysis, stderr);
    }

    /// <summary>A local directory or archive when the argument names one that exists, else a package of a registry.</summary>
    public static AnalysisRequest Request(string argument, string[]? tasks)
    {
        var full = Path.GetFullPath(argument);
        if (Directory.Exists(full))
            return AnalysisRequest.ForLocalPath(full, force: true, tasks);
        if (File.Exists(full))
        {
            if (ArchiveFormats.FromFileName(full) is null)
                throw new UsageException($"'{argument}' is not an archive this version reads. Give a directory or one of: {ArchiveFormats.Supported}.");
            return AnalysisRequest.ForLocalPath(full, force: true, tasks);
        }
        if (!argument.Contains(':') || (argument.Contains(Path.DirectorySeparatorChar) && !argument.Contains('@')))
            throw new UsageException(
                $"'{argument}' does not exist. Give a directory or an archive ({ArchiveFormats.Supported}), or a package as ECOSYSTEM:NAME@VERSION.");
        try
        {
            return AnalysisRequest.ParsePackage(argument, force: true, tasks);
        }
        catch (ArgumentException exception)
        {
            throw new UsageException(exception.Message);
        }
    }

    /// <summary><c>--registry pypi=URL</c> as the configuration keys the registries read (an alias written as its ecosystem's id).</summary>
    private static Dictionary<string, string?> RegistrySettings(EcosystemCatalog ecosystems, Dictionary<string, string> pairs)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
        var baseUrlIds = string.Join(", ", ecosystems.InRegistrationOrder.Where(e => e.ArtifactSource is not null && e.NativeConfiguration is null).Select(e => e.Id));
        foreach (var (name, url) in pairs)
        {
            var ecosystem = ecosystems.Find(name) ?? throw new UsageException(
                $"--registry {name}=...: '{name}' is not an ecosystem with a registry; give one of {baseUrlIds}.");
            if (ecosystem.NativeConfiguration is { } native)
                throw new UsageException($"--registry {name}=... is not read: {ecosystem.Id} takes its registry from your {native}.");
            settings[$"{Workers.Registries.RegistrySettings.Section}:{ecosystem.Id}"] = url;
        }
        return settings;
    }

    /// <summary><c>--task-assemblies</c>, else <c>Cucos__TaskAssemblies</c>: plug-ins, as a silo loads them.</summary>
    private static string[] TaskAssemblies(CommandLine line) =>
        (line.Value("--task-assemblies") ?? Environment.GetEnvironmentVariable("Cucos__TaskAssemblies") ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The ecosystems the embedded cluster will know (built-ins and plug-ins), for checking the command line before it starts.</summary>
    private static EcosystemCatalog Catalog(string[] plugins)
    {
        if (plugins.Length == 0)
            return BuiltInTasks.EcosystemsOf(null);
        try
        {
            return new ServiceCollection()
                .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddEnvironmentVariables().Build())
                .AddCucosBuiltInTasks().AddCucosTaskAssemblies(plugins)
                .BuildServiceProvider().GetRequiredService<EcosystemCatalog>();
        }
        catch (InvalidOperationException exception)
        {
            throw new UsageException(exception.Message);
        }
    }

    /// <summary>A package request whose ecosystem the catalog knows, named by its id; a path request as it is.</summary>
    internal static AnalysisRequest KnownEcosystem(EcosystemCatalog ecosystems, AnalysisRequest request)
    {
        if (request.SourcePath is not null)
            return request;
        if (ecosystems.Find(request.Ecosystem) is null)
            throw new UsageException(
                $"'{request.Ecosystem}:{request.Name}@{request.Version}' does not name a package as ECOSYSTEM:NAME@VERSION with an ecosystem among " +
                $"{ecosystems.IdsInRegistrationOrder}: '{request.Ecosystem}' is not one this version knows. Give one of those, or a directory or archive.");
        return ecosystems.Normalise(request);
    }

    /// <summary>The built-in ecosystems, for the help text.</summary>
    private static class HelpEcosystems
    {
        private static EcosystemCatalog Catalog => BuiltInTasks.EcosystemsOf(null);
        public static string Ids => Catalog.IdsInRegistrationOrder;
        public static string Examples => string.Join(", ", Catalog.InRegistrationOrder.Take(3).Select(e => e.Example));
        public static string BaseUrlIds => string.Join(", ", Catalog.InRegistrationOrder.Where(e => e.NativeConfiguration is null).Select(e => e.Id));
        public static string Native => string.Join(", ", Catalog.InRegistrationOrder.Where(e => e.NativeConfiguration is not null).Select(e => $"{e.Id} reads your {e.NativeConfiguration}")) + ".";
    }

    private static int ExitCode(AnalysisSnapshot analysis, TextWriter stderr)
    {
        switch (analysis.Status)
        {
            case AnalysisStatus.Succeeded:
                return 0;
            case AnalysisStatus.Failed:
                var root = analysis.Tasks[CucosFlow.RootTask];
                stderr.WriteLine($"error: the analysis failed: {CucosFlow.RootTask}: {root.Error?.Message ?? "no reason recorded"}");
                return 1;
            default:
                var bad = analysis.Tasks.Values.Where(t => t.Status is AnalysisTaskStatus.Failed or AnalysisTaskStatus.Skipped).Select(t => t.Name);
                stderr.WriteLine($"warning: the analysis finished, but these tasks failed or were skipped: {string.Join(", ", bad)}.");
                return 3;
        }
    }

    public static void ConfigureLogging(ILoggingBuilder logging, bool verbose)
    {
        logging.ClearProviders();
        // Logs go to stderr, so stdout carries only the summary (or the JSON of 'worker').
        logging.AddSimpleConsole(o => o.SingleLine = true);
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Error);
        // The embedded silo would otherwise fill the terminal with membership and networking chatter.
        logging.AddFilter("Orleans", verbose ? LogLevel.Warning : LogLevel.Critical);
        logging.AddFilter("Microsoft", verbose ? LogLevel.Warning : LogLevel.Critical);
    }

    /// <summary>Reports on the caller's thread, in order; Progress&lt;T&gt; would post to the thread pool and reorder lines.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
