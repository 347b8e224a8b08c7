using System.Text.Json.Serialization;
using Cucos.Client;
using Cucos.Grains.Advisories;
using Cucos.Grains.Execution;
using Cucos.Grains.Flow;
using Cucos.Grains.Listing;
using Cucos.Grains.Packages;
using Cucos.Grains.Security;
using Cucos.Grains.Telemetry;
using Cucos.Grains.Usage;
using Cucos.Sdk;
using Cucos.Sdk.Ecosystems;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Serialization;

namespace Cucos.Grains.Hosting;

public static class CucosSiloBuilderExtensions
{
    /// <summary>
    /// Adds the Cucos grains' services to a silo: the task registry (register tasks with <c>AddCucosTask</c>),
    /// the executor, and System.Text.Json grain storage. Pick storage with a profile such as <see cref="UseCucosInMemoryStorage"/>.
    /// </summary>
    public static ISiloBuilder AddCucos(this ISiloBuilder silo, Action<CucosSiloOptions>? configure = null)
    {
        var options = silo.Services.AddOptions<CucosSiloOptions>();
        if (configure is not null)
            options.Configure(configure);
        silo.Services.TryAddSingleton<TaskRegistry>();
        silo.Services.TryAddSingleton<TaskExecutor>();
        silo.Services.TryAddSingleton(sp => new AnalysisRequestValidator(
            sp.GetRequiredService<TaskRegistry>(), sp.GetService<EcosystemCatalog>(),
            LocalPathPolicy.From(sp.GetRequiredService<IOptions<CucosSiloOptions>>().Value)));
        // Outside clients may call only the methods marked [ClientCallable].
        silo.AddIncomingGrainCallFilter<ExternalCallerFilter>();
        // A silo is a client of its own grains: tasks (dependency_snapshot) start analyses through the same door as everyone.
        silo.Services.AddCucosClient();
        silo.Services.AddMetrics();
        // The cluster-wide list: an in-memory index unless a storage profile brings its own (PostgreSQL's table).
        silo.Services.TryAddSingleton<IAnalysisListing, IndexGrainListing>();
        silo.Services.TryAddSingleton<IAnalysisIndexSink, IndexGrainSink>();
        silo.Services.TryAddSingleton<CucosTelemetry>();
        silo.Services.TryAddSingleton(sp => new AnalysisFlow(
            sp.GetRequiredService<TaskRegistry>(), sp.GetRequiredService<IOptions<CucosSiloOptions>>().Value.LeaseGrace));
        silo.AddCucosUsage();
        silo.AddCucosAdvisoryRefresh();
        silo.UseSystemTextJsonGrainStorageSerializer();
        // Enum values stored by name ("Failed", not 3), so stored state reads well in SQL.
        silo.Services.Configure<SystemTextJsonGrainStorageSerializerOptions>(options =>
            options.JsonSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return silo;
    }

    /// <summary>The embedded profile: grain state and reminders in memory, nothing to set up, nothing kept.</summary>
    public static ISiloBuilder UseCucosInMemoryStorage(this ISiloBuilder silo) => silo
        .AddMemoryGrainStorage(StateNames.StorageProvider)
        .UseInMemoryReminderService();
}
