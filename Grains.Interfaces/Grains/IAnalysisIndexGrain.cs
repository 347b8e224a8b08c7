using Cucos.Messages;

namespace Cucos.Grains;

/// <summary>
/// The in-memory profile's cluster-wide list of analyses: one activation, bounded (the oldest entries drop out), lost with
/// its silo like the rest of that profile's state. The PostgreSQL profile lists from its own table instead.
/// </summary>
[Alias("cucos.IAnalysisIndexGrain")]
public interface IAnalysisIndexGrain : IGrainWithIntegerKey
{
    /// <summary>Adds the analysis or replaces its entry (a start, a finish); an entry never goes back from finished to running.</summary>
    [Alias("Record")]
    Task RecordAsync(AnalysisListEntry entry);

    [Alias("Query")]
    Task<AnalysisListPage> QueryAsync(AnalysisListQuery query);

    [Alias("Count")]
    Task<AnalysisStatusCounts> CountAsync(AnalysisListQuery query);
}
