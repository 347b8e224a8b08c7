using Cucos.Grains.Listing;
using Cucos.Persistence.Listing;
using Cucos.Persistence.Storage;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace Cucos.Persistence;

/// <summary>The PostgreSQL profile: clustering, grain storage and reminders through the Orleans ADO.NET providers, on our schema.</summary>
public static class CucosPostgresExtensions
{
    /// <summary>The ADO.NET invariant name of Npgsql.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Silos form a cluster through PostgreSQL and keep grain state and reminders there.
    /// The database must be migrated first (<c>cucos migrate</c>).
    /// </summary>
    public static ISiloBuilder UseCucosPostgres(
        this ISiloBuilder silo, string connectionString, PostgresStorageProvider storage = PostgresStorageProvider.GroupCommit) => silo
        .UseCucosPostgresClustering(connectionString)
        .UseCucosPostgresStorage(connectionString, storage);

    /// <summary>Silos find each other through the membership tables in PostgreSQL.</summary>
    public static ISiloBuilder UseCucosPostgresClustering(this ISiloBuilder silo, string connectionString) => silo
        .UseAdoNetClustering((AdoNetClusteringSiloOptions options) =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });

    /// <summary>
    /// Grain state (as jsonb) and reminders in PostgreSQL. <paramref name="storage"/> picks the providers: ours, with
    /// group commit (the default), or the Orleans ADO.NET providers through our <c>OrleansQuery</c> rows.
    /// </summary>
    public static ISiloBuilder UseCucosPostgresStorage(
        this ISiloBuilder silo, string connectionString, PostgresStorageProvider storage = PostgresStorageProvider.GroupCommit)
    {
        // Usage figures and dependents in their tables, whichever storage provider: these replace the in-memory defaults.
        silo.Services.AddKeyedSingleton(nameof(Usage), (_, _) => Npgsql.NpgsqlDataSource.Create(connectionString));
        silo.Services.AddSingleton<Cucos.Usage.IUsageStore>(services => new Usage.PostgresUsageStore(
            services.GetRequiredKeyedService<Npgsql.NpgsqlDataSource>(nameof(Usage)), ServiceId(services)));
        silo.Services.AddSingleton<Cucos.Usage.IDependentsIndex>(services => new Usage.PostgresDependentsIndex(
            services.GetRequiredKeyedService<Npgsql.NpgsqlDataSource>(nameof(Usage)), ServiceId(services)));
        // Imported OSV advisories: read by security_issues when Cucos:Advisories:Store is postgres, written by the refresh grain.
        silo.Services.AddSingleton<Cucos.Sdk.IAdvisoryStore>(services => new Advisories.PostgresAdvisoryStore(
            services.GetRequiredKeyedService<Npgsql.NpgsqlDataSource>(nameof(Usage))));
        if (storage == PostgresStorageProvider.AdoNet)
        {
            AddListing(silo, connectionString);
            silo.Services.AddCucosPostgresHttpCache(connectionString);
            return silo
                .AddAdoNetGrainStorage(StateNames.StorageProvider, (AdoNetGrainStorageOptions options) =>
                {
                    options.Invariant = Invariant;
                    options.ConnectionString = connectionString;
                })
                .UseAdoNetReminderService((AdoNetReminderTableOptions options) =>
                {
                    options.Invariant = Invariant;
                    options.ConnectionString = connectionString;
                });
        }

        static string ServiceId(IServiceProvider services) => services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
        AddListing(silo, connectionString);
        silo.Services.AddKeyedSingleton(StateNames.StorageProvider, (services, _) => new GroupCommit(
            connectionString, GroupCommitBatches, GroupCommitMaxStatements, services.GetRequiredService<ILoggerFactory>().CreateLogger<GroupCommit>()));
        silo.Services.AddGrainStorage(StateNames.StorageProvider, (services, name) => new PostgresGrainStorage(
            services.GetRequiredKeyedService<GroupCommit>(name), ServiceId(services), services.GetRequiredService<IGrainStorageSerializer>()));
        silo.Services.AddSingleton<IReminderTable>(services => new PostgresReminderTable(
            services.GetRequiredKeyedService<GroupCommit>(StateNames.StorageProvider), ServiceId(services)));
        silo.Services.AddCucosPostgresHttpCache(connectionString);
        return silo.AddReminders();
    }

    /// <summary>The cluster-wide list: our table, kept by triggers on the analysis rows (either provider writes those rows).</summary>
    private static void AddListing(ISiloBuilder silo, string connectionString)
    {
        silo.Services.AddSingleton<IAnalysisListing>(services => new PostgresAnalysisListing(
            NpgsqlDataSource.Create(connectionString), services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            services.GetService<TimeProvider>()));
        silo.Services.AddSingleton<IAnalysisIndexSink, NoIndexSink>();
    }
    /// <summary>The workers' conditional-request cache (GitHub's ETags) in <c>cucos_http_cache</c>, shared by every silo.</summary>
    private static void AddCucosPostgresHttpCache(this IServiceCollection services, string connectionString) =>
        services.AddSingleton<Cucos.Sdk.IHttpResponseCache>(_ => new PostgresHttpResponseCache(connectionString));

    // Batches in flight at once, and statements per batch: enough to keep a round trip busy while the next one fills.
    private const int GroupCommitBatches = 4;
    private const int GroupCommitMaxStatements = 256;

    /// <summary>A client finds the cluster's gateways in PostgreSQL.</summary>
    public static IClientBuilder UseCucosPostgresClustering(this IClientBuilder client, string connectionString) => client
        .UseAdoNetClustering((AdoNetClusteringClientOptions options) =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
}

/// <summary>Which grain storage provider the PostgreSQL profile uses.</summary>
public enum PostgresStorageProvider
{
    /// <summary>Our Npgsql provider: concurrent reads and writes share round trips and commits.</summary>
    GroupCommit,

    /// <summary>The Orleans ADO.NET provider, through our <c>OrleansQuery</c> rows: one round trip and commit per operation.</summary>
    AdoNet,
}
