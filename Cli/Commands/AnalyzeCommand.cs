using System.Text.Json;
using Cucos.Cli.Output;
using Cucos.Client;
using Cucos.Messages;
using Cucos.Sdk;
using Cucos.Sdk.Ecosystems;
using Cucos.State;
using Cucos.Workers;
using Cucos.Workers.Init;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
          --task-assembly DLL  a plug-in assembly whose tasks and ecosystems are loaded (repeatable;
                               --task-assemblies A;B and Cucos__TaskAssemblies take a ';'-separated list)
          -o, --output FILE    write the analysis and every result there (JSON unless --format says
                               otherwise); '-' is stdout
          -f, --format F       table (the summary, the default), json (the analysis and every result),
                               sarif (static_analysis and security_issues findings as SARIF 2.1.0),
                               cyclonedx (CycloneDX 1.6) or spdx (SPDX 2.3) SBOMs (docs/sbom.md). With a
                               machine format on stdout, progress and the summary go to stderr:
                               cucos analyze X -f json | jq .
          -t, --tasks a,b      run only these tasks under init (default: the whole default flow)
          -p, --param N=V      a parameter for the tasks (repeatable)
          --max-attempts N     attempts per task, the first included (default 2, a short wait of at
                               most 2 s between them: a person is waiting; a silo uses each task's own)
          --no-retry           one attempt per task: the same as --max-attempts 1
          --webhook URL        POST the analysis' end there, signed with the cluster's
                               Cucos:Webhooks:Secret (docs/api.md, "Webhooks"); the cluster's
                               allow-list decides which hosts it may call
          --cache DIR          where the analysis unpacks the package (default: the system temp folder)
          --keep-cache         keep the unpacked package after the analysis
          --postgres CONN      store state, results and reminders in this PostgreSQL database
                               (migrated with 'cucos migrate'); default: in memory
          -q, --quiet          no progress lines, only the summary
          -v, --verbose        the cluster's own log on stderr

        On a running cluster instead of an embedded one (packages only: the cluster cannot
        see this machine's files):
          -c, --cluster URL|HOST:PORT  a silo's HTTP API (http://host:8080) or a silo's Orleans
                               gateway (host:30000); the result is printed the same way
          --cluster-id ID      the cluster id for a gateway (its Cucos:ClusterId; default cucos)
          --tls-certificate F  this client's certificate for a gateway that requires TLS: a .pfx
                               file, or PEM with --tls-key (a .pfx password or an encrypted key's
                               comes from Cucos__Client__Tls__CertificatePassword in the environment)
          --tls-key FILE       the PEM private key of --tls-certificate
          --tls-ca FILE        the PEM CA certificate the cluster's silo certificates are issued by
          --api-key KEY        the key for a silo's HTTP API (better: CUCOS_API_KEY in the environment,
                               since a command line is visible to every user of the machine)
          --force              start a new analysis even when the cluster has one of this
                               version (without it the current one is reused)

        Errors show their type and message; --verbose adds their stack traces (to --output too).

        Exit codes: 0 every task succeeded, 3 finished with failed or skipped tasks,
        1 the analysis failed (init could not lay out the package) or the cluster could not
        be reached, 2 bad usage (an unwritable --cache included), 130 stopped by Ctrl+C
        (SIGINT), 143 stopped by SIGTERM.
        """;

    /// <summary>The retries of the embedded cluster when no option says otherwise: a person waits for the answer.</summary>
    public static readonly RetryPolicyLimit InteractiveRetries = new(2, TimeSpan.FromSeconds(2));

    public static CucosCommand Create() =>
        new CucosCommand("analyze", "PATH|ECOSYSTEM:NAME@VERSION  run a whole analysis (embedded cluster, or --cluster URL)", Help, "PATH")
            .Value("--output", "where the analysis goes ('-' is stdout)", "-o")
            .Value("--format", "table, json, sarif, cyclonedx, spdx", "-f")
            .Completing("--format", AnalysisOutput.Formats)
            .Value("--tasks", "run only these tasks under init", "-t")
            .Repeatable("--param", "a task parameter NAME=VALUE", "-p")
            .Value("--cache", "where the package is unpacked")
            .Flag("--keep-cache", "keep the unpacked package")
            .Value("--postgres", "a PostgreSQL connection string")
            .Repeatable("--registry", "ECOSYSTEM=URL of a registry", "-r")
            .Repeatable("--task-assembly", "a plug-in assembly")
            .Value("--task-assemblies", "';'-separated plug-in assemblies")
            .Value("--max-attempts", "attempts per task")
            .Flag("--no-retry", "one attempt per task")
            .Value("--webhook", "a URL told when the analysis ends")
            .Flag("--quiet", "no progress lines", "-q")
            .Flag("--verbose", "the cluster's own log", "-v")
            .Value("--cluster", "a running cluster: http://host:8080 or host:30000", "-c")
            .Value("--cluster-id", "a gateway's cluster id")
            .Value("--api-key", "the API key for --cluster http://... (or CUCOS_API_KEY)")
            .Value("--tls-certificate", "this client's certificate")
            .Value("--tls-key", "the PEM key of --tls-certificate")
            .Value("--tls-ca", "the CA of the silos' certificates")
            .Flag("--force", "a new analysis on a running cluster")
            .Runs(RunAsync);

    public static async Task<int> RunAsync(CommandLine line, CliConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(console);
        var (stdout, stderr) = (console.Out, console.Error);
        if (line.Positionals.Count != 1)
            throw new UsageException(line.Positionals.Count == 0
                ? "analyze needs a PATH (a directory or an archive) or a package as ECOSYSTEM:NAME@VERSION. See 'cucos analyze --help'."
                : $"analyze takes one PATH or package, not {line.Positionals.Count}. See 'cucos analyze --help'.");
        var tasks = line.Value("--tasks")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var output = AnalysisOutput.From(line);
        if (line.Value("--cluster") is { } cluster)
            return await ClusterAnalysis.RunAsync(cluster, line, tasks, output, stdout, stderr, cancellationToken);
        foreach (var option in (string[])["--cluster-id", .. ClusterAnalysis.TlsOptions])
            if (line.Value(option) is not null)
                throw new UsageException($"{option} goes with --cluster HOST:PORT (a gateway). See 'cucos analyze --help'.");
        if (line.Value("--api-key") is not null)
            throw new UsageException("--api-key goes with --cluster http://... (a silo's HTTP API). See 'cucos analyze --help'.");
        var embedded = EmbeddedCluster.FromCommandLine(line, "analyze");
        var request = embedded.Known(Request(line.Positionals[0], tasks));
        var parameters = line.Pairs("--param", "analyze");
        // Said before the embedded cluster starts (seconds), not by init after it: where the package would come from.
        if (await embedded.ProblemBeforeStartAsync([request], cancellationToken) is { } problem)
        {
            stderr.WriteLine($"error: {problem}");
            return 1;
        }
        request = request with
        {
            KeepCache = line.Has("--keep-cache"),
            Parameters = parameters.Count > 0 ? parameters : null,
        };
        return await embedded.RunAsync(tasks, client => RunAnalysisAsync(client, request, line, output, stdout, stderr, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Starts the analysis, prints its progress and summary, writes <c>--output</c>: the same for an embedded cluster,
    /// a cluster's gateway and a silo's HTTP API, so all three print alike.
    /// </summary>
    internal static async Task<int> RunAnalysisAsync(
        ICucosClient client, AnalysisRequest request, CommandLine line, AnalysisOutput output, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(output);
        // A document on stdout keeps stdout for itself: the summary and the closing line go where the progress goes.
        var people = output.DocumentOnStdout ? stderr : stdout;
        var printer = new AnalysisPrinter(stderr, people, TimeProvider.System);
        if (line.Value("--webhook") is { } webhook)
        {
            // The form is checked here, in the cluster's words; whether the cluster may call the host is its own word.
            if (RequestChecks.OfWebhookUrl(webhook) is { } problem)
                throw new UsageException($"--webhook: {problem.Message}");
            request = request with { WebhookUrl = webhook };
        }
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
        // The analyses dependency_snapshot started (analyse_dependencies=N) are waited for: an embedded cluster would
        // otherwise stop under them, and --output carries them as a tree.
        var withResults = output.Format != AnalysisOutput.Table;
        var results = withResults ? await DependencyAnalyses.ResultsAsync(client, analysis, cancellationToken) : null;
        var dependencies = new DependencyAnalyses(client, output.Format == AnalysisOutput.Json, line.Has("--quiet") ? null : stderr);
        var below = await dependencies.BelowAsync(analysis, results, cancellationToken);
        if (below.Count > 0 && !line.Has("--quiet"))
            stderr.WriteLine();
        printer.Summary(analysis);
        if (dependencies.Finished.Count > 0)
        {
            people.WriteLine();
            people.WriteLine($"  {"DEPENDENCY ANALYSIS",-40} {"STATUS",-22} ID");
            foreach (var dependency in dependencies.Finished)
                people.WriteLine($"  {AnalysisPrinter.Describe(dependency),-40} {dependency.Status.ToString().ToLowerInvariant(),-22} {dependency.AnalysisId}");
        }
        if (results is not null)
        {
            var shown = line.Has("--verbose") ? analysis : analysis.WithoutStackTraces();
            await output.WriteAsync(shown, results, stdout, cancellationToken, [.. below.Select(node => Shown(node, line.Has("--verbose")))]);
            if (output.File is { } file)
            {
                people.WriteLine();
                people.WriteLine($"Full results written to {Path.GetFullPath(file)}");
            }
        }
        else if (output.File is { } file)
        {
            var table = new StringWriter();
            new AnalysisPrinter(TextWriter.Null, table, TimeProvider.System).Summary(analysis);
            await File.WriteAllTextAsync(file, table.ToString(), cancellationToken);
        }
        return ExitCode(analysis, stderr);
    }

    private static AnalysisTreeNode Shown(AnalysisTreeNode node, bool verbose) =>
        new(verbose ? node.Analysis : node.Analysis.WithoutStackTraces(), node.Results, [.. node.Dependencies.Select(d => Shown(d, verbose))]);

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

    /// <summary>
    /// <c>--task-assembly</c> (repeatable) and <c>--task-assemblies A;B</c>, else the configuration's
    /// <c>Cucos:TaskAssemblies</c> (<c>Cucos__TaskAssemblies</c> in the environment): plug-ins, as a silo loads them.
    /// </summary>
    public static string[] TaskAssemblies(CommandLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var given = line.Values("--task-assembly").Concat(line.Values("--task-assemblies")).ToList();
        if (given.Count == 0 && new ConfigurationBuilder().AddEnvironmentVariables().Build()["Cucos:TaskAssemblies"] is { Length: > 0 } configured)
            given.Add(configured);
        return [.. given.SelectMany(g => g.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
    }

    /// <summary>The ecosystems the embedded cluster will know (built-ins and plug-ins), for checking the command line before it starts.</summary>
    internal static EcosystemCatalog Catalog(string[] plugins)
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
            case AnalysisStatus.Cancelled:
                stderr.WriteLine($"error: the analysis was cancelled at {analysis.CancelledAt:O}; the results stored before are kept.");
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
