using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cucos.Sdk.Ecosystems;

public static class EcosystemServiceCollectionExtensions
{
    /// <summary>Registers an ecosystem in the <see cref="EcosystemCatalog"/>; its constructor may take any registered service.</summary>
    public static IServiceCollection AddCucosEcosystem<TEcosystem>(this IServiceCollection services)
        where TEcosystem : class, IEcosystem
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IEcosystem, TEcosystem>());
        services.TryAddSingleton<EcosystemCatalog>();
        return services;
    }
}
