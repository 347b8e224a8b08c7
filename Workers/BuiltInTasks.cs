using Cucos.Sdk.Ecosystems;
using Cucos.Sdk;
using Cucos.Workers.BinaryData;
using Cucos.Workers.Crypto;
using Cucos.Workers.Dependencies;
using Cucos.Workers.Digests;
using Cucos.Workers.Finalize;
using Cucos.Workers.GitHubDetails;
using Cucos.Workers.Init;
using Cucos.Workers.Languages;
using Cucos.Workers.Licenses;
using Cucos.Workers.Metadata;
using Cucos.Workers.Registries;
using Cucos.Workers.RegistryLifecycle;
using Cucos.Workers.SecurityIssues;
using Cucos.Workers.StaticAnalysis;
using Cucos.Workers.Usage;
using Cucos.Workers.Webhooks;
using Cucos.Workers.SupplyChain;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;

namespace Cucos.Workers;

public static class BuiltInTasks
{
    /// <summary>Registers init, the analysis workers of the default flow, finalize, and the package registries init fetches from.</summary>
    public static IServiceCollection AddCucosBuiltInTasks(this IServiceCollection services)
    {
        services.TryAddSingleton(provider => ArchiveLimits.From(provider.GetService<IConfiguration>()));
        services.AddCucosRegistries();
        services.TryAddSingleton(provider => new AdvisorySources(provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton<Cucos.Advisories.IAdvisoryRefresher>(provider => new AdvisoryRefresher(provider));
        services.AddCucosBuiltInStaticAnalysers();
        services.TryAddSingleton(provider => new GitHubServices(provider.GetService<TimeProvider>() ?? TimeProvider.System));
        // One set of webhook settings, allow-list and connections per host; a bad setting fails the host's start (the
        // task registry builds the webhook task, which reads them).
        services.TryAddSingleton(provider => WebhookSettings.From(provider.GetService<IConfiguration>()));
        services.TryAddSingleton(provider => new WebhookTargets(provider.GetRequiredService<WebhookSettings>()));
        services.TryAddSingleton<IWebhookTargets>(provider => provider.GetRequiredService<WebhookTargets>());
        services.TryAddSingleton<WebhookSender>();
        // Registration order is the order the CLI and init list them in: the most used first.
        services
            .AddCucosEcosystem<Ecosystems.Npm.NpmEcosystem>()
            .AddCucosEcosystem<Ecosystems.Nuget.NuGetEcosystem>()
            .AddCucosEcosystem<Ecosystems.PyPi.PyPiEcosystem>()
            .AddCucosEcosystem<Ecosystems.Maven.MavenEcosystem>()
            .AddCucosEcosystem<Ecosystems.RubyGems.RubyGemsEcosystem>()
            .AddCucosEcosystem<Ecosystems.Crates.CratesEcosystem>()
            .AddCucosEcosystem<Ecosystems.Go.GoEcosystem>();
        return services
            .AddCucosTask<InitTask>()
            .AddCucosTask<DigestsTask>()
            .AddCucosTask<BinaryDataTask>()
            .AddCucosTask<LanguagesTask>()
            .AddCucosTask<MetadataTask>()
            .AddCucosTask<DependencySnapshotTask>()
            .AddCucosTask<SourceLicensesTask>()
            .AddCucosTask<CryptoAlgorithmsTask>()
            .AddCucosTask<SecurityIssuesTask>()
            .AddCucosTask<StaticAnalysisTask>()
            .AddCucosTask<GitHubDetailsTask>()
            .AddCucosTask<UsageTask>()
            .AddCucosTask<SupplyChainTask>()
            .AddCucosTask<RegistryLifecycleTask>()
            .AddCucosTask<FinalizeTask>()
            .AddCucosTask<WebhookTask>();
    }

    private static readonly Lazy<EcosystemCatalog> BuiltInCatalog = new(() =>
        new ServiceCollection().AddCucosBuiltInTasks().BuildServiceProvider().GetRequiredService<EcosystemCatalog>());

    /// <summary>
    /// The catalog of <paramref name="services"/>, or the built-in ecosystems' for a task run without one (a test's
    /// bare service provider): the same registrations as a silo's, not a second list.
    /// </summary>
    public static EcosystemCatalog EcosystemsOf(IServiceProvider? services) =>
        services?.GetService<EcosystemCatalog>() ?? BuiltInCatalog.Value;
}
