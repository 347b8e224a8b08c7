using Cucos.Messages;
using Cucos.Grains.Telemetry;
using Microsoft.Extensions.Logging;

namespace Cucos.Grains.Listing;

public sealed class IndexGrainListing(IGrainFactory grains) : IAnalysisListing
{
    public Task<AnalysisListPage> ListAsync(AnalysisListQuery query, CancellationToken cancellationToken) =>
        grains.GetGrain<IAnalysisIndexGrain>(0).QueryAsync(query).WaitAsync(cancellationToken);

    public Task<AnalysisStatusCounts> CountAsync(AnalysisListQuery query, CancellationToken cancellationToken) =>
        grains.GetGrain<IAnalysisIndexGrain>(0).CountAsync(query).WaitAsync(cancellationToken);
}

public sealed class IndexGrainSink(IGrainFactory grains, ILogger<IndexGrainSink> logger) : IAnalysisIndexSink
{
    public async Task RecordAsync(AnalysisListEntry entry)
    {
        try
        {
            await grains.GetGrain<IAnalysisIndexGrain>(0).RecordAsync(entry);
        }
        catch (Exception exception)
        {
            // The list is a view: an analysis runs on whether or not it is listed.
            logger.NotListed(exception, entry.AnalysisId);
        }
    }
}
