using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Cucos.Sdk;

namespace Cucos.Workers.SecurityIssues;

/// <summary>
/// The embedded profile's advisory store: a cache folder in the offline-database layout the directory source reads,
/// <c>&lt;cache&gt;/&lt;Ecosystem&gt;/all.zip</c> (a record affecting two ecosystems is in both), plus <c>imports.json</c>,
/// the import log. <c>cucos advisories import</c> merges into it (newest <c>modified</c> per id) and rewrites each zip
/// through a temporary file, so a reader never sees half a zip; <c>cucos analyze</c> reads it as
/// <c>Cucos:Advisories:Directory</c> when no source is configured, so it works offline after one import.
/// Meant for one process at a time (the CLI); a silo uses the PostgreSQL store.
/// </summary>
public sealed class AdvisoryCacheStore(string folder) : IAdvisoryStore
{
    public const string CacheDirectoryKey = "Cucos:Advisories:CacheDirectory";
    public const string ImportLog = "imports.json";

    private readonly Lock gate = new();
    private Dictionary<string, StoredAdvisory>? loaded;
    private readonly Dictionary<string, List<AdvisoryChange>> changes = new(StringComparer.Ordinal);

    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>The default cache folder: <c>Cucos:Advisories:CacheDirectory</c>, else <c>$XDG_CACHE_HOME/cucos/advisories</c>, else <c>~/.cache/cucos/advisories</c>.</summary>
    public static string DefaultFolder(string? configured)
    {
        if (configured is { Length: > 0 })
            return Path.GetFullPath(configured);
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "cucos", "advisories");
    }

    /// <summary>Whether an import has filled <paramref name="folder"/>.</summary>
    public static bool HasImports(string folder) => File.Exists(Path.Combine(folder, ImportLog));

    public Task<AdvisoryUpsertCounts> UpsertAsync(string importId, IReadOnlyList<StoredAdvisory> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        lock (gate)
        {
            var known = Load();
            int inserted = 0, updated = 0, unchanged = 0;
            var changed = changes.TryGetValue(importId, out var list) ? list : changes[importId] = [];
            foreach (var record in records)
            {
                if (!known.TryGetValue(record.Id, out var previous))
                    inserted++;
                else if (previous.Modified < record.Modified)
                    updated++;
                else
                {
                    unchanged++;
                    continue;
                }
                known[record.Id] = record;
                changed.Add(new AdvisoryChange(record.Id, previous?.Json, record.Json));
            }
            return Task.FromResult(new AdvisoryUpsertCounts(inserted, updated, unchanged));
        }
    }

    /// <summary>Writes the merged zips and appends the import to the log.</summary>
    public async Task RecordImportAsync(AdvisoryImportRecord import, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(import);
        Directory.CreateDirectory(Folder);
        List<StoredAdvisory> all;
        lock (gate)
            all = [.. Load().Values];
        foreach (var ecosystem in all.SelectMany(r => r.Packages.Select(p => p.Ecosystem)).Distinct(StringComparer.Ordinal))
        {
            var target = Path.Combine(Folder, ecosystem, AdvisoryDirectory.ZipName);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var temporary = target + ".tmp";
            using (var zip = ZipFile.Open(temporary, ZipArchiveMode.Create))
                foreach (var record in all.Where(r => r.Packages.Any(p => p.Ecosystem == ecosystem)).OrderBy(r => r.Id, StringComparer.Ordinal))
                {
                    var entry = zip.CreateEntry(SafeName(record.Id) + ".json", CompressionLevel.Fastest);
                    await using var stream = entry.Open();
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(record.Json), cancellationToken).ConfigureAwait(false);
                }
            File.Move(temporary, target, overwrite: true);
        }
        var log = ReadLog();
        log.Add(import);
        var logPath = Path.Combine(Folder, ImportLog);
        await File.WriteAllTextAsync(logPath + ".tmp", JsonSerializer.Serialize(log, LogJson), cancellationToken).ConfigureAwait(false);
        File.Move(logPath + ".tmp", logPath, overwrite: true);
    }

    public Task<AdvisoryImportRecord?> LastImportAsync(string source, CancellationToken cancellationToken) =>
        Task.FromResult(ReadLog().LastOrDefault(i => i.Source == source));

    public Task<IReadOnlyList<string>> FindAsync(string osvEcosystem, IReadOnlyCollection<string> normalisedNames, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            IReadOnlyList<string> found = [.. Load().Values
                .Where(r => r.Withdrawn is null && r.Packages.Any(p => p.Ecosystem == osvEcosystem && normalisedNames.Contains(p.NormalisedName)))
                .Select(r => r.Json)];
            return Task.FromResult(found);
        }
    }

    /// <summary>The changes of an import made by this instance (the cache keeps no history of them).</summary>
    public Task<IReadOnlyList<AdvisoryChange>> ChangesAsync(string importId, CancellationToken cancellationToken)
    {
        lock (gate)
            return Task.FromResult<IReadOnlyList<AdvisoryChange>>(changes.TryGetValue(importId, out var list) ? [.. list] : []);
    }

    private static readonly JsonSerializerOptions LogJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private List<AdvisoryImportRecord> ReadLog()
    {
        var path = Path.Combine(Folder, ImportLog);
        if (!File.Exists(path))
            return [];
        try
        {
            return JsonSerializer.Deserialize<List<AdvisoryImportRecord>>(File.ReadAllText(path), LogJson) ?? [];
        }
        catch (JsonException)
        {
            // A damaged log loses the history, never the records: the next import starts it again.
            return [];
        }
    }

    // The records already in the cache's zips, read once.
    private Dictionary<string, StoredAdvisory> Load()
    {
        if (loaded is not null)
            return loaded;
        var records = loaded = new Dictionary<string, StoredAdvisory>(StringComparer.Ordinal);
        if (!Directory.Exists(Folder))
            return records;
        foreach (var zipPath in Directory.EnumerateFiles(Folder, AdvisoryDirectory.ZipName, SearchOption.AllDirectories))
        {
            try
            {
                using var zip = ZipFile.OpenRead(zipPath);
                foreach (var entry in zip.Entries)
                {
                    using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
                    var json = reader.ReadToEnd();
                    if (OsvRecords.Parse(Encoding.UTF8.GetBytes(json), out _) is not { } record || records.ContainsKey(record.Id))
                        continue;
                    var packages = (record.Affected ?? []).Select(a => a.Package).OfType<OsvPackage>()
                        .Select(p => OsvEcosystems.Known(p.Ecosystem) is { } e ? new AdvisoryPackageKey(e, OsvEcosystems.NormaliseName(e, p.Name)) : null)
                        .OfType<AdvisoryPackageKey>().ToList();
                    records[record.Id] = new StoredAdvisory(record.Id, record.Modified, record.Withdrawn, json, packages);
                }
            }
            catch (InvalidDataException)
            {
                // A damaged cache zip is rebuilt from what the next import brings.
            }
        }
        return records;
    }

    private static string SafeName(string id) => string.Concat(id.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
