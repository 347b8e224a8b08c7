using Cucos.Orleans.Sdk;
using Cucos.Orleans.Workers.Crypto;
using Cucos.Orleans.Workers.Digests;
using Cucos.Orleans.Workers.Finalize;
using Cucos.Orleans.Workers.Init;
using Cucos.Orleans.Workers.Licenses;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cucos.Orleans.Workers;

public static class BuiltInTasks
{
    /// <summary>Registers init, the analysis workers of the default flow, and finalize.</summary>
    public static IServiceCollection AddCucosBuiltInTasks(this IServiceCollection services)
    {
        services.TryAddSingleton(new ArchiveLimits());
        return services
            .AddCucosTask<InitTask>()
            .AddCucosTask<DigestsTask>()
            .AddCucosTask<SourceLicensesTask>()
            .AddCucosTask<CryptoAlgorithmsTask>()
            .AddCucosTask<FinalizeTask>();
    }
}
