using Cucos.Orleans.Sdk;
using Cucos.Orleans.Workers.BinaryData;
using Cucos.Orleans.Workers.Crypto;
using Cucos.Orleans.Workers.Dependencies;
using Cucos.Orleans.Workers.Digests;
using Cucos.Orleans.Workers.Finalize;
using Cucos.Orleans.Workers.Init;
using Cucos.Orleans.Workers.Languages;
using Cucos.Orleans.Workers.Licenses;
using Cucos.Orleans.Workers.Metadata;
using Cucos.Orleans.Workers.Registries;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cucos.Orleans.Workers;

public static class BuiltInTasks
{
    /// <summary>Registers init, the analysis workers of the default flow, finalize, and the package registries init fetches from.</summary>
    public static IServiceCollection AddCucosBuiltInTasks(this IServiceCollection services)
    {
        services.TryAddSingleton(provider => ArchiveLimits.From(provider.GetService<IConfiguration>()));
        services.AddCucosRegistries();
        return services
            .AddCucosTask<InitTask>()
            .AddCucosTask<DigestsTask>()
            .AddCucosTask<BinaryDataTask>()
            .AddCucosTask<LanguagesTask>()
            .AddCucosTask<MetadataTask>()
            .AddCucosTask<DependencySnapshotTask>()
            .AddCucosTask<SourceLicensesTask>()
            .AddCucosTask<CryptoAlgorithmsTask>()
            .AddCucosTask<FinalizeTask>();
    }
}
