using Cucos.Persistence.Storage;
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
        if (storage == PostgresStorageProvider.AdoNet)
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

        static string ServiceId(IServiceProvider services) => services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
        silo.Services.AddKeyedSingleton(StateNames.StorageProvider, (services, _) => new GroupCommit(
            connectionString, GroupCommitBatches, GroupCommitMaxStatements, services.GetRequiredService<ILoggerFactory>().CreateLogger<GroupCommit>()));
        silo.Services.AddGrainStorage(StateNames.StorageProvider, (services, name) => new PostgresGrainStorage(
            services.GetRequiredKeyedService<GroupCommit>(name), ServiceId(services), services.GetRequiredService<IGrainStorageSerializer>()));
        silo.Services.AddSingleton<IReminderTable>(services => new PostgresReminderTable(
            services.GetRequiredKeyedService<GroupCommit>(StateNames.StorageProvider), ServiceId(services)));
        return silo.AddReminders();
    }

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
