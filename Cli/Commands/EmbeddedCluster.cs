using Cucos.Client;
using Cucos.Grains.Hosting;
using Cucos.Messages;
using Cucos.Persistence;
using Cucos.Sdk;
using Cucos.Sdk.Ecosystems;
using Cucos.Workers;
using Cucos.Workers.Init;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cucos.Cli.Commands;

/// <summary>
/// The embedded single-silo cluster that <c>cucos analyze</c> and <c>cucos diff</c> run analyses on without
/// <c>--cluster</c>: its options (--registry, --task-assembly, --cache, --postgres, --max-attempts, --no-retry,
/// --verbose) read and checked before it starts, then one host for the command's work.
/// </summary>
internal sealed class EmbeddedCluster
{
    private readonly string command;
    private readonly RetryPolicyLimit retries;
    private readonly string[] plugins;
    private readonly Dictionary<string, string?> registries;
    private readonly string? cacheRoot;
    private readonly string? postgres;
    private readonly bool verbose;

    private EmbeddedCluster(CommandLine line, string command)
    {
        this.command = command;
        retries = Retries(line, command);
        plugins = AnalyzeCommand.TaskAssemblies(line);
        Ecosystems = AnalyzeCommand.Catalog(plugins);
        registries = RegistrySettings(Ecosystems, line.Pairs("--registry", command));
        cacheRoot = line.Value("--cache");
        postgres = line.Value("--postgres");
        verbose = line.Has("--verbose");
    }

    /// <summary>The ecosystems the cluster will know (built-ins and plug-ins).</summary>
    public EcosystemCatalog Ecosystems { get; }

    /// <summary>The options as given; a usage mistake in them is a <see cref="UsageException"/>.</summary>
    public static EmbeddedCluster FromCommandLine(CommandLine line, string command)
    {
        ArgumentNullException.ThrowIfNull(line);
        return new EmbeddedCluster(line, command);
    }

    /// <summary>A package request whose ecosystem the cluster knows, named by its id; a path request as it is.</summary>
    public AnalysisRequest Known(AnalysisRequest request) => AnalyzeCommand.KnownEcosystem(Ecosystems, request);

    /// <summary>
    /// What stops the cluster before it starts (seconds, not an init failure after it): no registry for a package's
    /// ecosystem, an unwritable --cache (a usage mistake), a --postgres database that is not ready. Null when none.
    /// </summary>
    public async Task<string?> ProblemBeforeStartAsync(IEnumerable<AnalysisRequest> requests, CancellationToken cancellationToken)
    {
        foreach (var request in requests)
            if (request.SourcePath is null && NoRegistry(request.Ecosystem, registries) is { } noRegistry)
                return noRegistry;
        if (cacheRoot is not null)
        {
            try
            {
                CacheRootCheck.EnsureWritable(cacheRoot, "--cache");
            }
            catch (CacheRootNotWritableException exception)
            {
                throw new UsageException(exception.Message);
            }
        }
        if (postgres is not null)
        {
            try
            {
                await new DatabaseMigrator(postgres).EnsureReadyAsync(cancellationToken);
            }
            catch (DatabaseNotReadyException exception)
            {
                return exception.Message;
            }
        }
        return null;
    }

    /// <summary>Starts the cluster, runs <paramref name="work"/> with its client, and stops it again.</summary>
    /// <param name="tasks">--tasks, checked against the cluster's tasks before it starts.</param>
    public async Task<int> RunAsync(string[]? tasks, Func<ICucosClient, Task<int>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddEnvironmentVariables().AddInMemoryCollection(registries).AddInMemoryCollection(ImportedAdvisories());
        AnalyzeCommand.ConfigureLogging(builder.Logging, verbose);
        builder.UseCucosEmbeddedCluster(options =>
        {
            if (cacheRoot is not null)
                options.CacheRoot = Path.GetFullPath(cacheRoot);
        }, postgres is null ? null : silo => silo.UseCucosPostgresStorage(postgres));
        builder.Services.AddSingleton(retries);
        builder.Services.AddCucosBuiltInTasks().AddCucosTaskAssemblies(plugins);
        builder.Services.AddCucosClient();
        using var host = builder.Build();

        var registry = host.Services.GetRequiredService<TaskRegistry>();
        if (tasks is not null && registry.Unknown(tasks) is { Count: > 0 } unknown)
            throw new UsageException($"unknown task(s) in --tasks: {string.Join(", ", unknown)}. 'cucos workers' lists the tasks.");

        await host.StartAsync(cancellationToken);
        try
        {
            return await work(host.Services.GetRequiredService<ICucosClient>());
        }
        finally
        {
            // Bounded, so a stop asked by a signal ends the process even if the embedded silo is slow to leave.
            using var stopLimit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await host.StopAsync(stopLimit.Token);
        }
    }

    /// <summary>The cluster's retries: <c>--no-retry</c>, <c>--max-attempts N</c>, else a short interactive default.</summary>
    private static RetryPolicyLimit Retries(CommandLine line, string command)
    {
        var maxAttempts = line.Number("--max-attempts", minimum: 1);
        if (line.Has("--no-retry") && maxAttempts is not null)
            throw new UsageException($"--no-retry and --max-attempts say the same thing twice: give one. See 'cucos {command} --help'.");
        return line.Has("--no-retry") ? AnalyzeCommand.InteractiveRetries with { MaxAttempts = 1 }
            : maxAttempts is { } attempts ? AnalyzeCommand.InteractiveRetries with { MaxAttempts = attempts }
            : AnalyzeCommand.InteractiveRetries;
    }

    /// <summary>
    /// With no advisory source configured, the cache folder 'cucos advisories import' filled (when it did) is the
    /// offline directory security_issues reads, so an analysis works offline after one import.
    /// </summary>
    private static Dictionary<string, string?> ImportedAdvisories()
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        if (configuration[Workers.SecurityIssues.AdvisorySettings.DirectoryKey] is { Length: > 0 }
            || configuration[Workers.SecurityIssues.AdvisorySettings.ApiUrlKey] is { Length: > 0 }
            || configuration[Workers.SecurityIssues.AdvisorySettings.StoreKey] is { Length: > 0 })
            return [];
        var folder = Workers.SecurityIssues.AdvisoryCacheStore.DefaultFolder(configuration[Workers.SecurityIssues.AdvisoryCacheStore.CacheDirectoryKey]);
        return Workers.SecurityIssues.AdvisoryCacheStore.HasImports(folder)
            ? new() { [Workers.SecurityIssues.AdvisorySettings.DirectoryKey] = folder }
            : [];
    }

    /// <summary>
    /// Why a built-in ecosystem with no registry client configuration of its own (pypi, go, maven, crates, rubygems) has
    /// no registry, as its init would say it: neither Cucos' settings nor the tool's own configuration name one.
    /// </summary>
    private static string? NoRegistry(string ecosystem, Dictionary<string, string?> registries)
    {
        var user = Workers.Registries.UserEnvironment.CurrentUser();
        var native = Workers.Registries.RegistryServices.NativeConfigurations(user);
        if (native.All(n => n.Ecosystem != ecosystem))
            return null;
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(registries).Build();
        var settings = Workers.Registries.RegistrySettings.From(configuration, native);
        return settings.TryDescribe(ecosystem, ecosystem, out var description) ? null : description;
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
}
