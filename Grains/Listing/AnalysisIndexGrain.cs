using Cucos.Grains.Hosting;
using Cucos.Messages;
using Cucos.State;
using Microsoft.Extensions.Options;

namespace Cucos.Grains.Listing;

/// <summary>
/// The in-memory profile's list of analyses, newest first, at most <see cref="CucosSiloOptions.AnalysisIndexCapacity"/>
/// entries: when full, the oldest drops out. Kept in memory only, as everything of that profile is.
/// </summary>
public sealed class AnalysisIndexGrain(IOptions<CucosSiloOptions> options) : Grain, IAnalysisIndexGrain
{
    private readonly SortedSet<AnalysisListPosition> order = [];
    private readonly Dictionary<string, AnalysisListEntry> entries = new(StringComparer.Ordinal);

    public Task RecordAsync(AnalysisListEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entries.TryGetValue(entry.AnalysisId, out var known))
        {
            // Records of one analysis may arrive out of order (start after finish): finished wins.
            if (known.FinishedAt is not null && entry.FinishedAt is null)
                return Task.CompletedTask;
            order.Remove(known.Position);
        }
        entries[entry.AnalysisId] = entry;
        order.Add(entry.Position);
        var capacity = Math.Max(1, options.Value.AnalysisIndexCapacity);
        while (order.Count > capacity)
        {
            var oldest = order.Max!;
            order.Remove(oldest);
            entries.Remove(oldest.AnalysisId);
        }
        return Task.CompletedTask;
    }

    public Task<AnalysisStatusCounts> CountAsync(AnalysisListQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        // Every status is counted, so the query's own status (and its page) do not narrow it.
        var all = query with { Status = null, After = null };
        var counts = Enum.GetValues<AnalysisStatus>().ToDictionary(status => status, _ => 0L);
        foreach (var entry in entries.Values)
            if (entry.Matches(all))
                counts[entry.Status]++;
        return Task.FromResult(new AnalysisStatusCounts { Counts = counts });
    }

    public Task<AnalysisListPage> QueryAsync(AnalysisListQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, AnalysisListQuery.MaxLimit);
        IEnumerable<AnalysisListPosition> from = order;
        if (query.After is { } after && order.Count > 0 && after.CompareTo(order.Max!) < 0)
            from = order.GetViewBetween(after, order.Max!);
        else if (query.After is not null)
            from = [];
        var page = new List<AnalysisListEntry>(limit + 1);
        foreach (var position in from)
        {
            var entry = entries[position.AnalysisId];
            if (!entry.Matches(query))
                continue;
            page.Add(entry);
            if (page.Count > limit)
                break;
        }
        var more = page.Count > limit;
        if (more)
            page.RemoveAt(limit);
        return Task.FromResult(new AnalysisListPage { Analyses = page, Next = more ? page[^1].Position : null });
    }
}
