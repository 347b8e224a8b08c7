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
    /// out. npm and NuGet read the user's .npmrc and NuGet.Config, the others <c>Cucos:Registries</c> of the host's configuration.
    /// An <see cref="IPackageVersionSource"/> registered in the services overrides an ecosystem's own for dependency_snapshot.
    /// </summary>
    public static IServiceCollection AddCucosRegistries(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(RegistryHttp)))
            return services;
        services.TryAddSingleton(_ => new RegistryHttp(RegistryHttp.CreateClient()));
        services.TryAddSingleton(provider => RegistrySettings.From(provider.GetService<IConfiguration>()));
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

    private static IServiceCollection AddSource<TSource>(this IServiceCollection services) where TSource : class, IPackageArtifactSource
    {
        services.TryAddSingleton<TSource>();
        return services;
    }
}
