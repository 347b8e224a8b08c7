using System.Reflection;
using Cucos.Persistence;
using Cucos.Sdk;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Cucos.Silo;

/// <summary>
/// The silo's first words: its <c>--help</c> and <c>--version</c> (printed without starting anything), and, once it
/// has started, one log line each for where it listens, which profile and cluster it runs, and the tasks it loaded.
/// </summary>
public static partial class StartupReport
{
    public const string Help = """
        usage: cucos-silo [--help] [--version] [KEY=VALUE ...]

        Runs one silo of a Cucos cluster with its web host (HTTP API, health, metrics). Settings come from
        appsettings.json next to the program, then environment variables (Cucos__GatewayPort=30001,
        ConnectionStrings__Cucos=...), then arguments (Cucos:HttpPort=8081). Without a PostgreSQL connection
        it runs the in-memory profile: one silo, state in memory, listening on loopback.

          --help       print this help and exit
          --version    print the version and exit

        The settings are described in the README's settings table; docs/deploy.md runs a cluster.
        """;

    public static string Version
    {
        get
        {
            var version = typeof(StartupReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? typeof(StartupReport).Assembly.GetName().Version?.ToString() ?? "unknown";
            return version.Split('+')[0];
        }
    }

    /// <summary><c>--help</c> or <c>--version</c>: what to print instead of starting, or null to start.</summary>
    public static string? InsteadOfStarting(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Any(a => a is "--help" or "-h" or "-?"))
            return Help;
        return args.Contains("--version") ? $"cucos-silo {Version}" : null;
    }

    /// <summary>
    /// The content root: the program's own folder, where appsettings.json is published, unless one was asked for
    /// (<c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c>, <c>DOTNET_CONTENTROOT</c>). The framework's default, the
    /// working directory, is <c>/app</c> in the image, and the settings would silently not be read.
    /// </summary>
    public static string? ContentRoot(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var asked = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase) || a.StartsWith("contentRoot=", StringComparison.OrdinalIgnoreCase))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));
        return asked ? null : AppContext.BaseDirectory;
    }

    /// <summary>Logs, once the silo has started, where it listens, its profile and cluster, and its tasks.</summary>
    public static void LogOnStart(WebApplication app, SiloSettings settings)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(settings);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cucos.Silo");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var profile = settings.PostgresConnection is { } connection
                ? $"PostgreSQL ({DatabaseMigrator.Describe(connection)})"
                : "memory (one silo, state in memory, loopback only)";
            var registry = app.Services.GetRequiredService<TaskRegistry>();
            var urls = string.Join(", ", addresses);
            var tasks = string.Join(", ", registry.All.Select(t => $"{t.Name} {t.Version}"));
            LogListening(logger, Version, urls, settings.SiloPort, settings.GatewayPort);
            LogProfile(logger, profile, settings.ClusterId, settings.ServiceId, app.Environment.ContentRootPath);
            LogTasks(logger, registry.All.Count, tasks);
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "cucos-silo {Version} started: HTTP API, health and metrics on {Urls}; silo port {SiloPort}, gateway port {GatewayPort}")]
    private static partial void LogListening(ILogger logger, string version, string urls, int siloPort, int gatewayPort);

    [LoggerMessage(Level = LogLevel.Information, Message = "profile {Profile}; cluster id {ClusterId}, service id {ServiceId}; settings from {ContentRoot}")]
    private static partial void LogProfile(ILogger logger, string profile, string clusterId, string serviceId, string contentRoot);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} tasks loaded: {Tasks}")]
    private static partial void LogTasks(ILogger logger, int count, string tasks);
}
