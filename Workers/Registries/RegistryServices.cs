using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cucos.Workers.Registries;

public static class RegistryServices
{
    /// <summary>
    /// Registers one source per ecosystem, each as <see cref="IPackageArtifactSource"/> and <see cref="IPackageVersionSource"/>:
    /// npm and NuGet read the user's .npmrc and NuGet.Config, the others <c>Cucos:Registries</c> of the host's configuration.
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
        services.AddSingleton<TSource>();
        services.AddSingleton<IPackageArtifactSource>(provider => provider.GetRequiredService<TSource>());
        services.AddSingleton<IPackageVersionSource>(provider => provider.GetRequiredService<TSource>());
        return services;
    }
}
