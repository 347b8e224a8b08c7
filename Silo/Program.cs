using System.Net.Sockets;
using Cucos.Orleans.Grains.Hosting;
using Cucos.Orleans.Silo;
using Cucos.Orleans.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

// A silo of the Cucos cluster. Settings: appsettings.json, then environment variables (Cucos__GatewayPort=30001), then arguments.
try
{
    var builder = Host.CreateApplicationBuilder(args);
    var settings = SiloSettings.From(builder.Configuration);
    PortCheck.EnsureFree(settings.SiloPort, "Cucos:SiloPort");
    PortCheck.EnsureFree(settings.GatewayPort, "Cucos:GatewayPort");
    var cucos = builder.Configuration.GetSection(CucosSiloOptions.Section);
    builder.UseOrleans(silo => silo
        .UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId)
        .AddCucos(options =>
        {
            cucos.Bind(options);
            if (string.IsNullOrWhiteSpace(options.CacheRoot))
                options.CacheRoot = new CucosSiloOptions().CacheRoot;
        })
        .UseCucosInMemoryStorage());
    builder.Services.AddCucosBuiltInTasks();
    await builder.Build().RunAsync();
    return 0;
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
