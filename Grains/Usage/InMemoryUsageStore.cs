using Cucos.Usage;

namespace Cucos.Grains.Usage;

/// <summary>The usage figures of the in-memory profile: one silo's memory, lost with it like the rest of its state.</summary>
public sealed class InMemoryUsageStore : IUsageStore
{
    private sealed class Ecosystem
    {
        public Dictionary<string, Dictionary<string, UsageCount>> Staged { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, UsageFigure> Published { get; set; } = new(StringComparer.Ordinal);
        public UsageRefreshSummary? Latest { get; set; }
    }

    private readonly Dictionary<string, Ecosystem> ecosystems = new(StringComparer.OrdinalIgnoreCase);

    private Ecosystem For(string ecosystem)
    {
        if (!ecosystems.TryGetValue(ecosystem, out var entry))
            ecosystems[ecosystem] = entry = new Ecosystem();
        return entry;
    }

    public Task SavePageAsync(string ecosystem, string refreshId, IReadOnlyList<UsageCount> counts, CancellationToken cancellationToken)
    {
        lock (ecosystems)
        {
            var staged = For(ecosystem).Staged;
            if (!staged.TryGetValue(refreshId, out var rows))
                staged[refreshId] = rows = new Dictionary<string, UsageCount>(StringComparer.Ordinal);
            foreach (var count in counts)
                rows[UsagePercentiles.Key(count.Package)] = count;
        }
        return Task.CompletedTask;
    }

    public Task<UsageRefreshSummary> PublishAsync(string ecosystem, string refreshId, DateTimeOffset refreshedAt, CancellationToken cancellationToken)
    {
        lock (ecosystems)
        {
            var entry = For(ecosystem);
            var rows = entry.Staged.TryGetValue(refreshId, out var staged) ? staged : [];
            var ordered = rows.Values.Select(r => r.Repositories).Order().ToArray();
            var published = new Dictionary<string, UsageFigure>(StringComparer.Ordinal);
            foreach (var (key, row) in rows)
            {
                // rank as percent_rank() counts it: 1 + the packages with strictly fewer repositories.
                var rank = 1 + LowerBound(ordered, row.Repositories);
                published[key] = new UsageFigure(ecosystem, row.Package, row.Repositories, UsagePercentiles.Of(rank, ordered.Length), refreshedAt, ordered.Length);
            }
            entry.Published = published;
            entry.Staged.Clear();
            entry.Latest = new UsageRefreshSummary(ecosystem, refreshedAt, ordered.Length);
            return Task.FromResult(entry.Latest);
        }
    }

    private static int LowerBound(long[] sorted, long value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (sorted[middle] < value)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }

    public Task<UsageFigure?> GetAsync(string ecosystem, string package, CancellationToken cancellationToken)
    {
        lock (ecosystems)
            return Task.FromResult(ecosystems.TryGetValue(ecosystem, out var entry) && entry.Published.TryGetValue(UsagePercentiles.Key(package), out var figure) ? figure : null);
    }

    public Task<UsageRefreshSummary?> LatestAsync(string ecosystem, CancellationToken cancellationToken)
    {
        lock (ecosystems)
            return Task.FromResult(ecosystems.TryGetValue(ecosystem, out var entry) ? entry.Latest : null);
    }
}
