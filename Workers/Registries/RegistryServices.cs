using Cucos.Sdk.Ecosystems;
using Cucos.Workers.Ecosystems.Crates;
using Cucos.Workers.Ecosystems.Go;
using Cucos.Workers.Ecosystems.Maven;
using Cucos.Workers.Ecosystems.Npm;
using Cucos.Workers.Ecosystems.Nuget;
using Cucos.Workers.Ecosystems.PyPi;
using Cucos.Workers.Ecosystems.RubyGems;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Workers.Registries;

public static class RegistryServices
{
    /// <summary>
    /// Registers the built-in ecosystems' registry clients, each as its own type: its <see cref="IEcosystem"/> hands it
    /// out. npm and NuGet read the user's .npmrc and NuGet.Config, the others <c>Cucos:Registries</c> of the host's configuration,
    /// else their own tool's (pip.conf, GOPROXY, settings.xml, Cargo's config.toml, .gemrc) of the user the process runs as.
    /// An <see cref="IPackageVersionSource"/> registered in the services overrides an ecosystem's own for dependency_snapshot.
    /// </summary>
    public static IServiceCollection AddCucosRegistries(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(RegistryHttp)))
            return services;
        services.TryAddSingleton(provider => RegistryLimits.From(provider.GetService<IConfiguration>()));
        services.TryAddSingleton(provider => new RegistryHttp(RegistryHttp.CreateClient(), provider.GetRequiredService<RegistryLimits>()));
        services.TryAddSingleton(_ => UserEnvironment.CurrentUser());
        services.TryAddSingleton(provider =>
        {
            var user = provider.GetRequiredService<UserEnvironment>();
            return RegistrySettings.From(provider.GetService<IConfiguration>(), NativeConfigurations(user));
        });
        services.TryAddSingleton(_ => NpmConfigSource.CurrentUser());
        services.TryAddSingleton(_ => NuGetConfigSource.CurrentUser());
        return services
            .AddSource<NpmRegistry>()
            .AddSource<NuGetRegistry>()
            .AddSource<PyPiRegistry>()
            .AddSource<MavenRegistry>()
            .AddSource<RubyGemsRegistry>()
            .AddSource<CratesRegistry>()
            .AddSource<GoModuleProxy>();
    }

    /// <summary>The built-in ecosystems' readers of their own tools' configuration (pip, Go, Maven, Cargo, RubyGems).</summary>
    public static IReadOnlyList<INativeRegistryConfiguration> NativeConfigurations(UserEnvironment user) =>
        [new PipConfiguration(user), new GoConfiguration(user), new MavenSettings(user), new CargoConfiguration(user), new GemConfiguration(user)];

    private static IServiceCollection AddSource<TSource>(this IServiceCollection services) where TSource : class, IPackageArtifactSource
    {
        services.TryAddSingleton<TSource>();
        return services;
    }
}
