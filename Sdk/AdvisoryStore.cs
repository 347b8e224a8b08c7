namespace Cucos.Sdk;

/// <summary>A package an advisory names: the OSV ecosystem and the package name as that ecosystem compares names.</summary>
public sealed record AdvisoryPackageKey(string Ecosystem, string NormalisedName);

/// <summary>One OSV record to store: its id, <c>modified</c> and <c>withdrawn</c>, the record's JSON, and the packages it affects.</summary>
public sealed record StoredAdvisory(string Id, DateTimeOffset Modified, DateTimeOffset? Withdrawn, string Json, IReadOnlyList<AdvisoryPackageKey> Packages);

/// <summary>What one upsert changed: records new to the store, records replaced by a newer <c>modified</c>, and records already current.</summary>
public sealed record AdvisoryUpsertCounts(int Inserted, int Updated, int Unchanged);

/// <summary>A stored record that an import changed, with the record it replaced (null when it was new).</summary>
public sealed record AdvisoryChange(string Id, string? PreviousJson, string Json);

/// <summary>A part of a source as an import read it: a zip or a folder of JSON files, and its sha256.</summary>
public sealed record AdvisoryPart(string Name, string Digest);

/// <summary>One import as recorded: the source, its parts, what it counted and the first skip messages.</summary>
public sealed record AdvisoryImportRecord(
    string ImportId,
    string Source,
    IReadOnlyList<AdvisoryPart> Parts,
    int Records,
    int Inserted,
    int Updated,
    int Unchanged,
    int Withdrawn,
    int Skipped,
    IReadOnlyList<string> Messages,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt);

/// <summary>
/// Where imported OSV records are kept, keyed by id and filed under each (ecosystem, normalised name) they affect.
/// An upsert keeps the newest <c>modified</c> of each id, so importing the same source twice changes nothing; each
/// row a changing upsert touched is tagged with the import's id, so the changes of an import can be read afterwards
/// (a refresh interrupted by a crash reads them again). The PostgreSQL profile's tables (<c>cucos advisories import</c>),
/// or a cache folder in the embedded profile.
/// </summary>
public interface IAdvisoryStore
{
    Task<AdvisoryUpsertCounts> UpsertAsync(string importId, IReadOnlyList<StoredAdvisory> records, CancellationToken cancellationToken);

    Task RecordImportAsync(AdvisoryImportRecord import, CancellationToken cancellationToken);

    /// <summary>The last import recorded for <paramref name="source"/>, or null.</summary>
    Task<AdvisoryImportRecord?> LastImportAsync(string source, CancellationToken cancellationToken);

    /// <summary>The JSON of every record not withdrawn that affects one of these packages of the ecosystem.</summary>
    Task<IReadOnlyList<string>> FindAsync(string osvEcosystem, IReadOnlyCollection<string> normalisedNames, CancellationToken cancellationToken);

    /// <summary>The records the import <paramref name="importId"/> inserted or replaced.</summary>
    Task<IReadOnlyList<AdvisoryChange>> ChangesAsync(string importId, CancellationToken cancellationToken);
}
