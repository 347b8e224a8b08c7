using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Cucos.Workers.SecurityIssues;

/// <summary>An index built from one part of a source, with what identifies the files it was built from.</summary>
/// <param name="Source">The file or folder, relative to the configured directory.</param>
/// <param name="Digest">The sha256 of the zip, or of the folder's listing (paths, sizes, times).</param>
public sealed record SourceIndex(string Source, AdvisoryIndex Index, string Digest, DateTimeOffset BuiltAt);

/// <summary>
/// An offline OSV database: OSV-Scanner's layout <c>&lt;dir&gt;/&lt;Ecosystem&gt;/all.zip</c>, and plain <c>*.json</c>
/// records, under <c>&lt;dir&gt;/&lt;Ecosystem&gt;/</c> or anywhere else below <c>&lt;dir&gt;</c>. Each part is indexed on
/// first use and kept: an attempt only looks at file sizes and times, and a part is read again only when they
/// changed and its digest did too (a zip copied over with the same content is not re-read).
/// </summary>
public sealed class AdvisoryDirectory(string root, TimeProvider clock)
{
    public const string ZipName = "all.zip";
    private const long MaxRecordBytes = 16 * 1024 * 1024; // the largest real records are a few hundred KiB

    private readonly Dictionary<string, Part> parts = new(StringComparer.Ordinal);

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The indexes holding <paramref name="osvEcosystem"/>'s records: its zip and folder, and the loose files.</summary>
    public async Task<IReadOnlyList<SourceIndex>> IndexesAsync(string osvEcosystem, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Root, osvEcosystem);
        var zip = Path.Combine(folder, ZipName);
        var wanted = new List<(string Key, Func<Stamp?> Stamp, Func<SourceIndex> Build)>
        {
            (osvEcosystem + "/" + ZipName, () => FileStamp(zip), () => BuildZip(zip)),
            (osvEcosystem + "/*.json", () => ListingStamp(JsonFiles(folder, except: null)), () => BuildJson(osvEcosystem + "/*.json", JsonFiles(folder, except: null))),
            ("*.json", () => ListingStamp(LooseJsonFiles()), () => BuildJson("*.json", LooseJsonFiles())),
        };
        var indexes = new List<SourceIndex>();
        foreach (var (key, stamp, build) in wanted)
            if (await CurrentAsync(key, stamp, build, cancellationToken).ConfigureAwait(false) is { } index)
                indexes.Add(index);
        return indexes;
    }

    private async Task<SourceIndex?> CurrentAsync(string key, Func<Stamp?> stamp, Func<SourceIndex> build, CancellationToken cancellationToken)
    {
        var now = await Task.Run(stamp, cancellationToken).ConfigureAwait(false);
        Task<SourceIndex> current;
        lock (parts)
        {
            if (now is null)
            {
                parts.Remove(key);
                return null;
            }
            if (!parts.TryGetValue(key, out var part) || part.Stamp != now)
            {
                var previous = part?.Index;
                // Built once for every attempt that asks meanwhile, and never cancelled by one of them.
                parts[key] = part = new Part(now, Task.Run(async () =>
                {
                    if (previous is not null && await KeepAsync(previous, now).ConfigureAwait(false) is { } kept)
                        return kept;
                    return build();
                }));
            }
            current = part.Index;
        }
        return await current.WaitAsync(cancellationToken).ConfigureAwait(false);

        static async Task<SourceIndex?> KeepAsync(Task<SourceIndex> previous, Stamp now)
        {
            try
            {
                var index = await previous.ConfigureAwait(false);
                return now.Digest() == index.Digest ? index : null;
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    private SourceIndex BuildZip(string path)
    {
        var origin = Relative(path);
        var builder = new AdvisoryIndex.Builder();
        string digest;
        try
        {
            digest = FileDigest(path);
            using var archive = ZipFile.OpenRead(path);
            foreach (var entry in archive.Entries)
            {
                if (!entry.FullName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                    continue;
                if (entry.Length > MaxRecordBytes)
                {
                    builder.Skipped.Add($"{origin}:{entry.FullName}: {entry.Length} bytes, more than a record can be ({MaxRecordBytes}): skipped.");
                    continue;
                }
                var buffer = ArrayPool<byte>.Shared.Rent((int)entry.Length);
                try
                {
                    using var stream = entry.Open();
                    stream.ReadExactly(buffer, 0, (int)entry.Length);
                    builder.Add($"{origin}:{entry.FullName}", buffer.AsSpan(0, (int)entry.Length));
                }
                catch (InvalidDataException exception)
                {
                    builder.Skipped.Add($"{origin}:{entry.FullName}: the entry cannot be decompressed ({exception.Message}): skipped.");
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (InvalidDataException exception)
        {
            var skipped = new SkippedRecords();
            skipped.Add($"{origin} is not a readable zip ({exception.Message}): none of its records were read; download it again.");
            return new SourceIndex(origin, AdvisoryIndex.Empty(skipped), FileDigest(path), clock.GetUtcNow());
        }
        return new SourceIndex(origin, builder.Build(), digest, clock.GetUtcNow());
    }

    private SourceIndex BuildJson(string origin, IReadOnlyList<string> files)
    {
        var builder = new AdvisoryIndex.Builder();
        foreach (var file in files)
        {
            if (new FileInfo(file).Length > MaxRecordBytes)
                builder.Skipped.Add($"{Relative(file)}: more than a record can be ({MaxRecordBytes} bytes): skipped.");
            else
                builder.Add(Relative(file), File.ReadAllBytes(file));
        }
        return new SourceIndex(origin, builder.Build(), ListingStamp(files)!.Digest(), clock.GetUtcNow());
    }

    private static List<string> JsonFiles(string folder, Func<string, bool>? except) =>
        !Directory.Exists(folder) ? [] :
        [.. Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories)
            .Where(f => except is null || !except(f))
            .Order(StringComparer.Ordinal)];

    // Files outside the ecosystem folders, which are read per ecosystem.
    private List<string> LooseJsonFiles() => JsonFiles(Root, except: file =>
    {
        var first = Path.GetRelativePath(Root, file).Split(Path.DirectorySeparatorChar)[0];
        return OsvEcosystems.Known(first) == first;
    });

    private string Relative(string path) => Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/');

    private static string FileDigest(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static Stamp? FileStamp(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? new Stamp($"{file.Length}:{file.LastWriteTimeUtc.Ticks}", () => FileDigest(path)) : null;
    }

    private static Stamp? ListingStamp(IReadOnlyList<string> files)
    {
        if (files.Count == 0)
            return null;
        var listing = new StringBuilder();
        foreach (var file in files)
        {
            var info = new FileInfo(file);
            listing.Append(file).Append('|').Append(info.Length).Append('|').Append(info.LastWriteTimeUtc.Ticks).Append('\n');
        }
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(listing.ToString())));
        return new Stamp(digest, () => digest);
    }

    /// <summary>What is compared on every attempt (cheap), and the digest computed only when that changed.</summary>
    private sealed record Stamp(string Value, Func<string> Digest)
    {
        public bool Equals(Stamp? other) => other is not null && other.Value == Value;
        public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);
    }

    private sealed record Part(Stamp Stamp, Task<SourceIndex> Index);
}
