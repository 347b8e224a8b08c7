using System.Text.Json;

namespace Cucos.Usage;

/// <summary>How many GitHub repositories depend on one package, as one row of the usage query gave it.</summary>
[GenerateSerializer, Alias("cucos.UsageCount")]
public sealed record UsageCount([property: Id(0)] string Package, [property: Id(1)] long Repositories);

/// <summary>A package's stored usage: its count, its percentile rank among the ecosystem's packages, and the refresh it came from.</summary>
[GenerateSerializer, Alias("cucos.UsageFigure")]
public sealed record UsageFigure(
    [property: Id(0)] string Ecosystem,
    [property: Id(1)] string Package,
    [property: Id(2)] long Repositories,
    [property: Id(3)] double Percentile,
    [property: Id(4)] DateTimeOffset RefreshedAt,
    [property: Id(5)] long PackagesInRefresh);

/// <summary>What one published refresh holds.</summary>
[GenerateSerializer, Alias("cucos.UsageRefreshSummary")]
public sealed record UsageRefreshSummary([property: Id(0)] string Ecosystem, [property: Id(1)] DateTimeOffset RefreshedAt, [property: Id(2)] long Packages);

/// <summary>
/// Where the usage refresh keeps its figures: pages are staged under the refresh's id (idempotently, so a page
/// stored twice after a crash counts once) and become visible only when the refresh is published, which also ranks them.
/// A PostgreSQL table in that profile, memory otherwise.
/// </summary>
public interface IUsageStore
{
    Task SavePageAsync(string ecosystem, string refreshId, IReadOnlyList<UsageCount> counts, CancellationToken cancellationToken);

    /// <summary>Ranks the staged rows of <paramref name="refreshId"/>, makes them the ecosystem's figures and drops every other refresh's rows.</summary>
    Task<UsageRefreshSummary> PublishAsync(string ecosystem, string refreshId, DateTimeOffset refreshedAt, CancellationToken cancellationToken);

    /// <summary>The published figure of a package (names compared without case), or null when the last refresh did not count it or there was none.</summary>
    Task<UsageFigure?> GetAsync(string ecosystem, string package, CancellationToken cancellationToken);

    /// <summary>The ecosystem's last published refresh, or null when there was none.</summary>
    Task<UsageRefreshSummary?> LatestAsync(string ecosystem, CancellationToken cancellationToken);
}

/// <summary>Packages this cluster has analysed whose resolved direct dependencies include a package.</summary>
[GenerateSerializer, Alias("cucos.AnalysedDependents")]
public sealed record AnalysedDependents([property: Id(0)] int Count, [property: Id(1)] IReadOnlyList<string> Examples);

/// <summary>Dependents among the analysed packages, from their stored dependency_snapshot results.</summary>
public interface IDependentsIndex
{
    /// <summary>The distinct analysed package versions (<c>name@version</c>) whose dependency_snapshot resolved a direct dependency on <paramref name="name"/>; at most <paramref name="examples"/> of them named.</summary>
    Task<AnalysedDependents> FindAsync(string ecosystem, string name, int examples, CancellationToken cancellationToken);
}

/// <summary>Told of every result document a worker stored, for indexes kept beside the results (the in-memory dependents index).</summary>
public interface IStoredResultObserver
{
    void Stored(string analysisId, string taskName, JsonElement document);
}

/// <summary>Percentile ranks as both stores compute them: the share of the other counted packages with fewer dependents, 0 to 100.</summary>
public static class UsagePercentiles
{
    /// <summary>PostgreSQL's <c>percent_rank()</c> times 100, rounded to two decimals: (rank - 1) / (n - 1), 0 for a single package.</summary>
    public static double Of(int rank, long packages) => packages <= 1 ? 0 : Math.Round(100.0 * (rank - 1) / (packages - 1), 2);

    /// <summary>The key a package name is stored and found under.</summary>
    public static string Key(string package) => package.Trim().ToLowerInvariant();
}
