using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Cucos.Sdk;
using Cucos.Workers.Registries;

namespace Cucos.Workers.SecurityIssues;

/// <summary>A source that cannot be imported at all (not found, not a zip, JSON file or directory, an HTTP error); the message says what to give.</summary>
public sealed class AdvisoryImportException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads OSV records from a directory (OSV-Scanner's <c>&lt;Ecosystem&gt;/all.zip</c> layout, other <c>*.zip</c> exports and
/// loose <c>*.json</c> records below it), one zip or JSON file, or an http(s) URL of either, and upserts them into an
/// <see cref="IAdvisoryStore"/> in batches. Bad input (a corrupt zip or entry, a record breaking the OSV schema, an
/// affected package of an unknown ecosystem) is counted and reported with a message; the rest is imported.
/// </summary>
public sealed class AdvisoryImport(IAdvisoryStore store, TimeProvider? clock = null)
{
    public const int BatchSize = 1_000;
    private const long MaxRecordBytes = 16 * 1024 * 1024;

    private readonly TimeProvider time = clock ?? TimeProvider.System;

    /// <summary>The parts of a local source and their digests, without reading its records: what a refresh compares.</summary>
    public static IReadOnlyList<AdvisoryPart> Parts(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
            return [new AdvisoryPart(Path.GetFileName(full), FileDigest(full))];
        if (!Directory.Exists(full))
            throw new AdvisoryImportException($"'{path}' is neither a file nor a directory: give a folder of <Ecosystem>/all.zip files or OSV .json records, an all.zip, a .json record, or an http(s) URL of one.");
        var (zips, jsons) = Listing(full);
        var parts = zips.Select(z => new AdvisoryPart(Relative(full, z), FileDigest(z))).ToList();
        if (jsons.Count > 0)
            parts.Add(new AdvisoryPart("*.json", JsonDigest(full, jsons)));
        return parts;
    }

    /// <summary>Imports <paramref name="source"/> (a path or an http(s) URL) under <paramref name="importId"/>, records the import, and says what it did.</summary>
    public async Task<AdvisoryImportRecord> ImportAsync(string source, string importId, HttpClient? http, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        var started = time.GetUtcNow();
        var run = new Run(store, importId);
        if (Uri.TryCreate(source, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            var download = Path.Combine(Path.GetTempPath(), $"cucos-advisories-{Guid.NewGuid():N}");
            try
            {
                await DownloadAsync(http ?? throw new ArgumentNullException(nameof(http)), url, download, cancellationToken).ConfigureAwait(false);
                var name = RegistryHttp.Show(url);
                run.Parts.Add(new AdvisoryPart(name, FileDigest(download)));
                await ReadFileAsync(run, download, name, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                File.Delete(download);
            }
        }
        else
        {
            var full = Path.GetFullPath(source);
            if (File.Exists(full))
            {
                run.Parts.Add(new AdvisoryPart(Path.GetFileName(full), FileDigest(full)));
                await ReadFileAsync(run, full, Path.GetFileName(full), cancellationToken).ConfigureAwait(false);
            }
            else if (Directory.Exists(full))
            {
                var (zips, jsons) = Listing(full);
                foreach (var zip in zips)
                {
                    run.Parts.Add(new AdvisoryPart(Relative(full, zip), FileDigest(zip)));
                    await ReadZipAsync(run, zip, Relative(full, zip), cancellationToken).ConfigureAwait(false);
                }
                if (jsons.Count > 0)
                    run.Parts.Add(new AdvisoryPart("*.json", JsonDigest(full, jsons)));
                foreach (var json in jsons)
                    await ReadJsonAsync(run, json, Relative(full, json), cancellationToken).ConfigureAwait(false);
            }
            else
                throw new AdvisoryImportException($"'{source}' is neither a file nor a directory: give a folder of <Ecosystem>/all.zip files or OSV .json records, an all.zip, a .json record, or an http(s) URL of one.");
        }
        await run.FlushAsync(cancellationToken).ConfigureAwait(false);
        run.ReportUnknownEcosystems();
        var import = new AdvisoryImportRecord(importId, SourceName(source), run.Parts, run.Records, run.Inserted, run.Updated, run.Unchanged,
            run.Withdrawn, run.Skipped.Count, run.Skipped.Messages, started, time.GetUtcNow());
        await store.RecordImportAsync(import, cancellationToken).ConfigureAwait(false);
        return import;
    }

    /// <summary>How a source is named in the import log: a URL without credentials or query, a full path otherwise.</summary>
    public static string SourceName(string source) =>
        Uri.TryCreate(source, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? RegistryHttp.Show(url) : Path.GetFullPath(source);

    private static async Task DownloadAsync(HttpClient http, Uri url, string path, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            throw new AdvisoryImportException($"cannot reach {RegistryHttp.Show(url)}: {exception.Message}. Check the URL and the network.", exception);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var retry = response.Headers.RetryAfter?.Delta is { } delta ? $" (the server asks to wait {delta.TotalSeconds:0} s)" : "";
                throw new AdvisoryImportException($"{RegistryHttp.Show(url)} answered {(int)response.StatusCode} {response.ReasonPhrase}{retry}: nothing was imported; check the URL, or try again later.");
            }
            await using var file = File.Create(path);
            await response.Content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ReadFileAsync(Run run, string path, string origin, CancellationToken cancellationToken)
    {
        // A zip by its signature, whatever the name (a URL need not end in .zip); anything else is read as one JSON record.
        var head = new byte[4];
        await using (var file = File.OpenRead(path))
            _ = await file.ReadAtLeastAsync(head, 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (head is [(byte)'P', (byte)'K', _, _] || path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            await ReadZipAsync(run, path, origin, cancellationToken).ConfigureAwait(false);
        else
            await ReadJsonAsync(run, path, origin, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ReadZipAsync(Run run, string path, string origin, CancellationToken cancellationToken)
    {
        ZipArchive archive;
        try
        {
            archive = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException exception)
        {
            run.Skipped.Add($"{origin} is not a readable zip ({exception.Message}): none of its records were read; download it again.");
            return;
        }
        using (archive)
        {
            foreach (var entry in archive.Entries)
            {
                if (!entry.FullName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                    continue;
                if (entry.Length > MaxRecordBytes)
                {
                    run.Skipped.Add($"{origin}:{entry.FullName}: {entry.Length} bytes, more than a record can be ({MaxRecordBytes}): skipped.");
                    continue;
                }
                var buffer = ArrayPool<byte>.Shared.Rent((int)entry.Length);
                try
                {
                    using (var stream = entry.Open())
                        stream.ReadExactly(buffer, 0, (int)entry.Length);
                    await run.AddAsync($"{origin}:{entry.FullName}", buffer.AsMemory(0, (int)entry.Length), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException)
                {
                    run.Skipped.Add($"{origin}:{entry.FullName}: the entry cannot be decompressed ({exception.Message}): skipped.");
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
    }

    private static async Task ReadJsonAsync(Run run, string path, string origin, CancellationToken cancellationToken)
    {
        if (new FileInfo(path).Length > MaxRecordBytes)
        {
            run.Skipped.Add($"{origin}: more than a record can be ({MaxRecordBytes} bytes): skipped.");
            return;
        }
        await run.AddAsync(origin, await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    private static (List<string> Zips, List<string> Jsons) Listing(string root) => (
        [.. Directory.EnumerateFiles(root, "*.zip", SearchOption.AllDirectories).Order(StringComparer.Ordinal)],
        [.. Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal)]);

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');

    private static string FileDigest(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    // The JSON files' paths and contents: a file touched without a change keeps the digest, so a refresh re-reads nothing.
    private static string JsonDigest(string root, IReadOnlyList<string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Relative(root, file) + "\n"));
            hash.AppendData(Encoding.ASCII.GetBytes(FileDigest(file) + "\n"));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>One import's batch and counts.</summary>
    private sealed class Run(IAdvisoryStore store, string importId)
    {
        private readonly List<StoredAdvisory> batch = [];
        private readonly Dictionary<string, int> unknownEcosystems = new(StringComparer.Ordinal);

        public List<AdvisoryPart> Parts { get; } = [];
        public SkippedRecords Skipped { get; } = new();
        public int Records { get; private set; }
        public int Withdrawn { get; private set; }
        public int Inserted { get; private set; }
        public int Updated { get; private set; }
        public int Unchanged { get; private set; }

        public async Task AddAsync(string origin, ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
        {
            if (OsvRecords.Parse(json.Span, out var problem) is not { } record)
            {
                Skipped.Add($"{origin}: {problem}");
                return;
            }
            var packages = new List<AdvisoryPackageKey>();
            foreach (var affected in record.Affected ?? [])
            {
                if (affected.Package is not { } package)
                    continue;
                if (OsvEcosystems.Known(package.Ecosystem) is { } ecosystem)
                    packages.Add(new AdvisoryPackageKey(ecosystem, OsvEcosystems.NormaliseName(ecosystem, package.Name)));
                else
                    unknownEcosystems[package.Ecosystem] = unknownEcosystems.GetValueOrDefault(package.Ecosystem) + 1;
            }
            if (packages.Count == 0 && record.Affected is { Count: > 0 })
            {
                // Nothing a package could be matched against: counted once, under the ecosystems it names.
                return;
            }
            Records++;
            if (record.Withdrawn is not null)
                Withdrawn++;
            batch.Add(new StoredAdvisory(record.Id, record.Modified, record.Withdrawn, Encoding.UTF8.GetString(json.Span), packages));
            if (batch.Count >= BatchSize)
                await FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (batch.Count == 0)
                return;
            var counts = await store.UpsertAsync(importId, batch, cancellationToken).ConfigureAwait(false);
            Inserted += counts.Inserted;
            Updated += counts.Updated;
            Unchanged += counts.Unchanged;
            batch.Clear();
        }

        public void ReportUnknownEcosystems()
        {
            foreach (var (ecosystem, count) in unknownEcosystems.OrderBy(p => p.Key, StringComparer.Ordinal))
                Skipped.Add($"{count} affected {(count == 1 ? "entry names" : "entries name")} the ecosystem '{ecosystem}', which is not one of {OsvEcosystems.Names}: skipped.");
        }
    }
}
