using System.Collections.Frozen;

namespace Cucos.Workers.SecurityIssues;

/// <summary>One affected entry of a record, filed under its package.</summary>
public sealed record IndexedAffected(OsvRecord Record, OsvAffected Affected);

/// <summary>What reading a source skipped, counted, with the first messages kept for the result.</summary>
public sealed class SkippedRecords
{
    public const int KeptMessages = 50;
    private readonly List<string> messages = [];

    public int Count { get; private set; }
    public IReadOnlyList<string> Messages => messages;

    public void Add(string message)
    {
        Count++;
        if (messages.Count < KeptMessages)
            messages.Add(message);
    }

    public void AddAll(SkippedRecords other)
    {
        foreach (var message in other.messages)
            Add(message);
        Count += other.Count - other.messages.Count;
    }
}

/// <summary>
/// Records by OSV ecosystem and normalised package name, built once from a source and then only read, so a lookup
/// is two dictionary hits however many records the source has. Withdrawn records are left out (never reported);
/// a record read twice (a zip and a loose file) keeps its latest <c>modified</c>.
/// </summary>
public sealed class AdvisoryIndex
{
    private readonly FrozenDictionary<string, FrozenDictionary<string, IndexedAffected[]>> byEcosystem;

    private AdvisoryIndex(FrozenDictionary<string, FrozenDictionary<string, IndexedAffected[]>> byEcosystem, int records, int withdrawn, SkippedRecords skipped)
    {
        this.byEcosystem = byEcosystem;
        Records = records;
        Withdrawn = withdrawn;
        Skipped = skipped;
    }

    public static AdvisoryIndex Empty(SkippedRecords skipped) => new(FrozenDictionary<string, FrozenDictionary<string, IndexedAffected[]>>.Empty, 0, 0, skipped);

    /// <summary>Records indexed (withdrawn ones not counted).</summary>
    public int Records { get; }
    public int Withdrawn { get; }
    public SkippedRecords Skipped { get; }

    public IReadOnlyList<IndexedAffected> For(string osvEcosystem, string name) =>
        byEcosystem.TryGetValue(osvEcosystem, out var byName) && byName.TryGetValue(OsvEcosystems.NormaliseName(osvEcosystem, name), out var entries)
            ? entries
            : [];

    /// <summary>Collects records, then freezes them into an index.</summary>
    public sealed class Builder
    {
        private readonly Dictionary<string, OsvRecord> byId = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> unknownEcosystems = new(StringComparer.Ordinal);

        public SkippedRecords Skipped { get; } = new();

        /// <summary>Parses one JSON document from <paramref name="origin"/> (a file or zip entry, for messages).</summary>
        public void Add(string origin, ReadOnlySpan<byte> json)
        {
            if (OsvRecords.Parse(json, out var problem) is { } record)
                Add(record);
            else
                Skipped.Add($"{origin}: {problem}");
        }

        public void Add(OsvRecord record)
        {
            if (!byId.TryGetValue(record.Id, out var known) || known.Modified < record.Modified)
                byId[record.Id] = record;
        }

        public AdvisoryIndex Build()
        {
            var withdrawn = 0;
            var lists = new Dictionary<string, Dictionary<string, List<IndexedAffected>>>(StringComparer.Ordinal);
            foreach (var record in byId.Values)
            {
                if (record.Withdrawn is not null)
                {
                    withdrawn++;
                    continue;
                }
                foreach (var affected in record.Affected ?? [])
                {
                    if (affected.Package is not { } package)
                        continue; // an entry for a repository's commits only: nothing to match a package against
                    if (OsvEcosystems.Known(package.Ecosystem) is not { } ecosystem)
                    {
                        unknownEcosystems[package.Ecosystem] = unknownEcosystems.GetValueOrDefault(package.Ecosystem) + 1;
                        continue;
                    }
                    var byName = lists.TryGetValue(ecosystem, out var found) ? found : lists[ecosystem] = new(StringComparer.Ordinal);
                    var name = OsvEcosystems.NormaliseName(ecosystem, package.Name);
                    (byName.TryGetValue(name, out var list) ? list : byName[name] = []).Add(new IndexedAffected(record, affected));
                }
            }
            foreach (var (ecosystem, count) in unknownEcosystems.OrderBy(p => p.Key, StringComparer.Ordinal))
                Skipped.Add($"{count} affected {(count == 1 ? "entry names" : "entries name")} the ecosystem '{ecosystem}', which is not one of {OsvEcosystems.Names}: skipped.");
            var frozen = lists.ToFrozenDictionary(
                p => p.Key,
                p => p.Value.ToFrozenDictionary(q => q.Key, q => q.Value.ToArray(), StringComparer.Ordinal),
                StringComparer.Ordinal);
            return new AdvisoryIndex(frozen, byId.Count - withdrawn, withdrawn, Skipped);
        }
    }
}
