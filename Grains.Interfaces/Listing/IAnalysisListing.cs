using Cucos.Messages;

namespace Cucos.Grains.Listing;

/// <summary>Reads a page of the cluster-wide list of analyses: from the index grain in memory, from PostgreSQL's table there.</summary>
public interface IAnalysisListing
{
    Task<AnalysisListPage> ListAsync(AnalysisListQuery query, CancellationToken cancellationToken);

    /// <summary>How many analyses match the query's package and time filters, per status (its status, limit and cursor are not used).</summary>
    Task<AnalysisStatusCounts> CountAsync(AnalysisListQuery query, CancellationToken cancellationToken);
}

/// <summary>Told of each analysis' start and finish, so the list knows it. The PostgreSQL profile needs no telling (a trigger does it).</summary>
public interface IAnalysisIndexSink
{
    Task RecordAsync(AnalysisListEntry entry);
}

/// <summary>For the PostgreSQL profile, whose table is filled by a trigger on the analysis' own state row.</summary>
public sealed class NoIndexSink : IAnalysisIndexSink
{
    public Task RecordAsync(AnalysisListEntry entry) => Task.CompletedTask;
}
