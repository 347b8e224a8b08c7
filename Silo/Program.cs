using System.Net.Sockets;
using System.Runtime.InteropServices;
using Cucos.Client.Security;
using Cucos.Grains.Hosting;
using Cucos.Persistence;
using Cucos.Sdk;
using Cucos.Silo;
using Cucos.Silo.Api;
using Cucos.Silo.Health;
using Cucos.Silo.Kubernetes;
using Cucos.Silo.Observability;
using Cucos.Silo.Security;
using Cucos.Silo.Ui;
using Cucos.Workers;
using Orleans.Configuration;
using Orleans.Hosting;

// A silo of the Cucos cluster, with its web host. Settings: appsettings.json, then environment variables (Cucos__GatewayPort=30001,
// ConnectionStrings__Cucos=...), then arguments. Without a PostgreSQL connection it runs the in-memory profile.
// SIGTERM (Kubernetes stopping the pod) and SIGINT stop the silo at any stage: while it waits for PostgreSQL too,
// when no web host of its own listens for them yet.
if (StartupReport.InsteadOfStarting(args) is { } answer)
{
    Console.WriteLine(answer);
    return 0;
}
using var interrupted = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = StartupReport.ContentRoot(args) });
    var settings = SiloSettings.From(builder.Configuration);
    PortCheck.EnsureFree(settings.SiloPort, "Cucos:SiloPort");
    PortCheck.EnsureFree(settings.GatewayPort, "Cucos:GatewayPort");
    PortCheck.EnsureFree(settings.HttpPort, "Cucos:HttpPort");
    // Loaded before anything starts, so a bad certificate setting is the one error an operator sees.
    using var tls = settings.Tls is { } tlsOptions ? CucosTlsCredentials.Load(tlsOptions, SiloSettings.TlsSection, asSilo: true) : null;
    // The web host serves the HTTP API, health and metrics on all interfaces: in a pod, probes come from the node.
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(settings.HttpPort));
    var cacheRoot = builder.Configuration[$"{CucosSiloOptions.Section}:{nameof(CucosSiloOptions.CacheRoot)}"];
    CacheRootCheck.EnsureWritable(string.IsNullOrWhiteSpace(cacheRoot) ? new CucosSiloOptions().CacheRoot : cacheRoot, "Cucos:CacheRoot");
    if (settings.PostgresConnection is { } connection)
    {
        var waitingFor = "waiting for PostgreSQL to answer (the silo starts once it does).";
        await using var probes = await StartupHealth.StartAsync(settings.HttpPort, () => waitingFor, interrupted.Token);
        await DatabaseStartup.EnsureReadyAsync(connection, settings.MigrateOnStart, message =>
        {
            waitingFor = message;
            Console.Error.WriteLine($"cucos-silo: {message}");
        }, cancellationToken: interrupted.Token);
    }

    var cucos = builder.Configuration.GetSection(CucosSiloOptions.Section);
    builder.UseOrleans(silo =>
    {
        silo.AddCucos(options =>
        {
            cucos.Bind(options);
            if (string.IsNullOrWhiteSpace(options.CacheRoot))
                options.CacheRoot = new CucosSiloOptions().CacheRoot;
        });
        if (settings.PostgresConnection is { } postgres)
            silo.Configure<ClusterOptions>(cluster =>
                {
                    cluster.ClusterId = settings.ClusterId;
                    cluster.ServiceId = settings.ServiceId;
                })
                .ConfigureEndpoints(settings.AdvertisedAddress, settings.SiloPort, settings.GatewayPort)
                .UseCucosPostgres(postgres, settings.StorageProvider);
        else
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId)
                .UseCucosInMemoryStorage();
        if (tls is not null)
            silo.UseTls(tls.Configure); // the silo port, the gateway port, and the silo's own connections to other silos
        silo.Configure<ClusterMembershipOptions>(MembershipSettings.From(builder.Configuration).Apply);
        if (settings.Kubernetes is not null)
            silo.UseCucosKubernetesHosting();
        if (settings.ReminderMinimumPeriod is { } minimum)
            silo.Configure<ReminderOptions>(reminders => reminders.MinimumReminderPeriod = minimum);
        if (settings.GrainCollectionAge is { } age)
            silo.Configure<GrainCollectionOptions>(collection => collection.CollectionAge = age);
    });
    builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.ShutdownTimeout);
    builder.Services.AddCucosBuiltInTasks().AddCucosTaskAssemblies(settings.TaskAssemblies);
    builder.Services.AddCucosApi().AddCucosHealth(settings.PostgresConnection);
    builder.Services.AddCucosAuthentication(ApiAuthSettings.From(builder.Configuration));
    builder.AddCucosObservability(ObservabilitySettings.From(builder.Configuration));
    var app = builder.Build();
    // SIGTERM (Kubernetes stopping the pod) while the silo is still starting cancels the start: a stop, not a crash.
    using var stopping = app.Lifetime.ApplicationStopping.Register(interrupted.Cancel);
    app.MapCucosHealth();
    app.MapCucosApi();
    app.MapCucosUi();
    app.UseCucosAuthentication();
    app.MapCucosObservability();
    StartupReport.LogOnStart(app, settings);
    await app.RunAsync(interrupted.Token);
    return 0;
}
catch (Exception) when (interrupted.IsCancellationRequested)
{
    // Asked to stop (SIGTERM, Ctrl+C) before the start completed: whatever the start threw on its way out
    // (a cancelled lifecycle stage, a connection abandoned) is the stop, not a failure.
    Console.Error.WriteLine("cucos-silo: stopped before it had started.");
    return 0;
}
catch (Exception exception) when (exception is DatabaseNotReadyException or CacheRootNotWritableException)
{
    Console.Error.WriteLine($"error: {exception.Message}");
    return 1;
}
catch (Exception exception) when (exception is SocketException || exception.InnerException is SocketException)
{
    Console.Error.WriteLine($"error: the silo could not open its ports: {(exception.InnerException ?? exception).Message}. " +
        "Another silo may be running; set Cucos__SiloPort and Cucos__GatewayPort to free ports.");
    return 1;
}
catch (InvalidOperationException exception)
{
    Console.Error.WriteLine($"error: {exception.Message}");
    return 1;
}

void Stop(PosixSignalContext signal)
{
    signal.Cancel = true;
    interrupted.Cancel();
}
