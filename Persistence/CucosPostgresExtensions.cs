using Orleans.Configuration;
using Orleans.Hosting;

namespace Cucos.Orleans.Persistence;

/// <summary>The PostgreSQL profile: clustering, grain storage and reminders through the Orleans ADO.NET providers, on our schema.</summary>
public static class CucosPostgresExtensions
{
    /// <summary>The ADO.NET invariant name of Npgsql.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Silos form a cluster through PostgreSQL and keep grain state and reminders there.
    /// The database must be migrated first (<c>cucos migrate</c>).
    /// </summary>
    public static ISiloBuilder UseCucosPostgres(this ISiloBuilder silo, string connectionString) => silo
        .UseCucosPostgresClustering(connectionString)
        .UseCucosPostgresStorage(connectionString);

    /// <summary>Silos find each other through the membership tables in PostgreSQL.</summary>
    public static ISiloBuilder UseCucosPostgresClustering(this ISiloBuilder silo, string connectionString) => silo
        .UseAdoNetClustering((AdoNetClusteringSiloOptions options) =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });

    /// <summary>Grain state (as jsonb) and reminders in PostgreSQL.</summary>
    public static ISiloBuilder UseCucosPostgresStorage(this ISiloBuilder silo, string connectionString) => silo
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

    /// <summary>A client finds the cluster's gateways in PostgreSQL.</summary>
    public static IClientBuilder UseCucosPostgresClustering(this IClientBuilder client, string connectionString) => client
        .UseAdoNetClustering((AdoNetClusteringClientOptions options) =>
        {
            options.Invariant = Invariant;
            options.ConnectionString = connectionString;
        });
}
