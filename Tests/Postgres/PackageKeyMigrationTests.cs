using Cucos.Grains.Packages;
using Cucos.Persistence;
using Cucos.Persistence.Storage;
using Cucos.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Storage;

namespace Cucos.Tests.Postgres;

/// <summary>
/// Migration 0006 on a real PostgreSQL: package rows stored under the old ambiguous keys are found, through the
/// grain storage, under the new ones, with a row that held two packages' analyses split in two.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Postgres")]
public sealed class PackageKeyMigrationTests(PostgresServer postgres)
{
    private const string Service = "migration-test";
    // Orleans names the package grain's type after its class.
    private const string PackageGrainType = "packageanalysis";

    /// <summary>A package row as the storage wrote it before 0006: under the grain id of the old key.</summary>
    private static Task StoreOldPackageRowAsync(PostgresGrainStorage storage, string oldKey, params string[] analyses) =>
        storage.WriteStateAsync(StateNames.Package, GrainId.Create(PackageGrainType, oldKey),
            new GrainState<PackageAnalysisState>(new PackageAnalysisState { Analyses = [.. analyses] }));

    /// <summary>An analysis row with the part of its state the migration reads: the request.</summary>
    private static Task StoreAnalysisRowAsync(PostgresGrainStorage storage, string analysisId, string ecosystem, string name, string version) =>
        storage.WriteStateAsync(StateNames.Analysis, GrainId.Create("analysis", analysisId),
            new GrainState<object>(new { Analysis = new { AnalysisId = analysisId, Request = new { Ecosystem = ecosystem, Name = name, Version = version } } }));

    [Fact]
    public async Task Rows_under_old_keys_are_found_under_the_new_keys_after_migrating()
    {
        var database = await postgres.CreateDatabaseAsync();
        await new DatabaseMigrator(database).MigrateAsync(upToVersion: 5);
        await using var commits = new GroupCommit(database, concurrentBatches: 1, maxBatch: 16, NullLogger.Instance);
        var storage = new PostgresGrainStorage(commits, Service, new PlainJsonSerializer());
        // Two Maven packages that shared one key, and so one list, before 0006; and an npm package whose key stays.
        await StoreAnalysisRowAsync(storage, "a1", "maven", "org.x", "lib:1.0");
        await StoreAnalysisRowAsync(storage, "a2", "maven", "org.x:lib", "1.0");
        await StoreAnalysisRowAsync(storage, "a3", "maven", "org.x:lib", "1.0");
        await StoreAnalysisRowAsync(storage, "n1", "npm", "left-pad", "1.3.0");
        await StoreOldPackageRowAsync(storage, "maven:org.x:lib:1.0", "a1", "a2", "a3");
        await StoreOldPackageRowAsync(storage, "npm:left-pad:1.3.0", "n1");

        var report = await new DatabaseMigrator(database).MigrateAsync();

        Assert.Equal(Migration.All.Select(m => m.Version).Where(v => v >= 6), report.Applied.Select(m => m.Version)); // 6 moves the keys; the later ones run after it
        Assert.Equal(["a1"], await HistoryAsync(storage, "maven", "org.x", "lib:1.0"));
        Assert.Equal(["a2", "a3"], await HistoryAsync(storage, "maven", "org.x:lib", "1.0"));
        Assert.Equal(["n1"], await HistoryAsync(storage, "npm", "left-pad", "1.3.0"));
        // Nothing is left under the old ambiguous key, and a second run changes nothing.
        Assert.Empty(await HistoryAsync(storage, PackageGrainType, "maven:org.x:lib:1.0"));
        Assert.Empty((await new DatabaseMigrator(database).MigrateAsync()).Applied);
    }

    private static Task<List<string>> HistoryAsync(PostgresGrainStorage storage, string ecosystem, string name, string version) =>
        HistoryAsync(storage, PackageGrainType, GrainKeys.Package(ecosystem, name, version));

    private static async Task<List<string>> HistoryAsync(PostgresGrainStorage storage, string type, string key)
    {
        var state = new GrainState<PackageAnalysisState>();
        await storage.ReadStateAsync(StateNames.Package, GrainId.Create(type, key), state);
        return state.State?.Analyses ?? [];
    }

    /// <summary>The stored JSON read as plain System.Text.Json, the shape the silo's storage serializer writes.</summary>
    private sealed class PlainJsonSerializer : IGrainStorageSerializer
    {
        public System.BinaryData Serialize<T>(T? input) => System.BinaryData.FromObjectAsJson(input);
        public T Deserialize<T>(System.BinaryData input) => input.ToObjectFromJson<T>()!;
    }
}
