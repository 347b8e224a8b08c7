using System.Buffers;
using System.IO.Compression;
using System.Text;
using SharpCompress.Common;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.Xz;
using SharpCompressionMode = SharpCompress.Compressors.CompressionMode;

namespace Cucos.Workers.Init;

public sealed record SkippedEntry(string Path, string Reason);

/// <param name="Metadata">Side documents written to the metadata folder (a gem's gemspec), by file name.</param>
public sealed record ExtractionReport(
    int Files, int Directories, long Bytes, int NestedArchives, IReadOnlyList<SkippedEntry> Skipped, IReadOnlyList<string> Metadata);

/// <summary>
/// Unpacks untrusted archives, streaming. Writes nothing outside the target folder: an entry that would
/// (absolute path, '..', a link leading out), a device file, a name the file system cannot hold, an archive nested
/// too deep, or an archive past the limits refuses the whole archive. Links inside the tree are not created, only
/// listed as skipped. The limits count every level of nesting together, and every byte decompressed (tar headers,
/// link targets and the data of skipped entries too). Checksums are checked: tar headers', zip entries' CRC-32, the
/// gzip trailer, and bzip2's and xz's own. Two entries for one path refuse the archive rather than one silently
/// replacing the other.
/// </summary>
public sealed class SafeArchiveExtractor(ArchiveLimits limits)
{
    private const int BufferSize = 81920;
    /// <summary>NAME_MAX and PATH_MAX of Linux file systems, in bytes.</summary>
    private const int MaxNameBytes = 255, MaxPathBytes = 4096;
    private const string NestedSuffix = "-unpacked";

    /// <param name="metadataDirectory">Where a gem's metadata (gemspec YAML) is written; null lists it as skipped.</param>
    public ExtractionReport Extract(
        string archivePath, ArchiveFormat format, string targetDirectory, CancellationToken cancellationToken, string? metadataDirectory = null)
    {
        var target = Path.GetFullPath(targetDirectory);
        Directory.CreateDirectory(target);
        var totals = new Totals(archivePath, target, new FileInfo(archivePath).Length, limits, metadataDirectory);
        try
        {
            Unpack(new Level(totals, target, 1, ""), archivePath, format, cancellationToken);
        }
        catch (Exception exception) when (IsUnreadable(exception))
        {
            throw new ArchiveRefusedException(archivePath,
                exception is ArchiveCorruptException ? exception.Message : $"it is not a readable {format.Describe()} archive ({exception.Message}).", exception);
        }
        return new ExtractionReport(totals.Files, totals.Directories, totals.Bytes, totals.NestedArchives, totals.Skipped, totals.Metadata);
    }

    private static bool IsUnreadable(Exception exception) =>
        exception is InvalidDataException or FormatException or EndOfStreamException or NotSupportedException or SharpCompressException;

    private static void Unpack(Level level, string archive, ArchiveFormat format, CancellationToken cancellationToken)
    {
        if (format == ArchiveFormat.Zip)
        {
            ExtractZip(level, archive, cancellationToken);
            return;
        }
        using var file = File.OpenRead(archive);
        if (format == ArchiveFormat.Gem)
            ExtractGem(level, file, cancellationToken);
        else
        {
            using var stream = level.Totals.Counted(Decompress(file, format));
            ExtractTar(level, stream, cancellationToken);
        }
    }

    private static readonly Dictionary<ArchiveFormat, (byte[] Signature, string Name)> Signatures = new()
    {
        [ArchiveFormat.TarGzip] = ([0x1F, 0x8B], "gzip"),
        [ArchiveFormat.TarBzip2] = ("BZh"u8.ToArray(), "bzip2"),
        [ArchiveFormat.TarXz] = ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz"),
    };

    /// <summary>The tar stream inside <paramref name="file"/>, after checking the compressor's signature.</summary>
    private static Stream Decompress(Stream file, ArchiveFormat format)
    {
        if (!Signatures.TryGetValue(format, out var expected))
            return file;
        Span<byte> head = stackalloc byte[expected.Signature.Length];
        if (file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length || !head.SequenceEqual(expected.Signature))
            throw new ArchiveCorruptException($"it is not {expected.Name}-compressed: the file does not start with the {expected.Name} signature.");
        file.Position = 0;
        return format switch
        {
            ArchiveFormat.TarGzip => new CheckedGzipStream(file),
            ArchiveFormat.TarBzip2 => BZip2Stream.Create(file, SharpCompressionMode.Decompress, decompressConcatenated: true, leaveOpen: false, tolerateTruncatedStream: false),
            _ => new XZStream(file),
        };
    }

    /// <param name="stream">The tar stream, already counted against the limits.</param>
    private static void ExtractTar(Level level, Stream stream, CancellationToken cancellationToken)
    {
        var reader = new TarStreamReader(stream, level.Totals.Limits);
        while (reader.Next() is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            level.CountEntry();
            switch (entry.Type)
            {
                case '5':
                    level.CreateDirectory(entry.Name);
                    break;
                case '0' or '7':
                    if (level.WriteFile(entry.Name, entry.Data, cancellationToken) is { } written)
                        UnpackNested(level, entry.Name, written, cancellationToken);
                    break;
                case '2':
                    level.SkipLink(entry.Name, entry.LinkName, relativeToEntry: true);
                    break;
                case '1':
                    level.SkipLink(entry.Name, entry.LinkName, relativeToEntry: false);
                    break;
                case '3' or '4' or '6':
                    level.Refuse($"entry '{level.Show(entry.Name)}' is a device file or FIFO (tar type {TarTypeName(entry.Type)}).");
                    break;
                default:
                    level.SkipEntry(entry.Name, $"tar entry type {TarTypeName(entry.Type)} is not extracted");
                    break;
            }
        }
        // Reading on to the end lets the decompressor check its trailer, and counts whatever follows the archive's end.
        stream.CopyTo(Stream.Null);
    }

    private static string TarTypeName(char type) => type switch
    {
        '3' => "character device",
        '4' => "block device",
        '6' => "FIFO",
        'S' => "sparse file",
        'V' => "volume label",
        'M' => "multi-volume continuation",
        'D' => "GNU dump directory",
        _ when char.IsAsciiLetterOrDigit(type) => $"'{type}'",
        _ => $"0x{(int)type:x2}",
    };

    /// <summary>A gem's outer tar: the files come from data.tar.gz, the gemspec from metadata.gz; both are part of the format, not nesting.</summary>
    private static void ExtractGem(Level level, Stream file, CancellationToken cancellationToken)
    {
        using var gem = level.Totals.Counted(file);
        var reader = new TarStreamReader(gem, level.Totals.Limits);
        var sawData = false;
        while (reader.Next() is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            level.CountEntry();
            switch (entry.Name)
            {
                case "data.tar.gz":
                    sawData = true;
                    using (var files = level.Totals.Counted(new CheckedGzipStream(entry.Data)))
                        ExtractTar(level, files, cancellationToken);
                    break;
                case "metadata.gz" or "checksums.yaml.gz" when level.Totals.MetadataDirectory is { } metadata:
                    Directory.CreateDirectory(metadata);
                    var name = entry.Name == "metadata.gz" ? "metadata.yaml" : "checksums.yaml";
                    using (var text = level.Totals.Counted(new CheckedGzipStream(entry.Data)))
                        level.Totals.Copy(text, Path.Combine(metadata, name), cancellationToken);
                    level.Totals.Metadata.Add(name);
                    break;
                default:
                    level.Skip(entry.Name, "gem member other than data.tar.gz is not unpacked");
                    break;
            }
        }
        if (!sawData)
            level.Refuse("it is not a gem: there is no data.tar.gz inside.");
        gem.CopyTo(Stream.Null);
    }

    private static void ExtractZip(Level level, string archive, CancellationToken cancellationToken)
    {
        using var zip = ZipFile.OpenRead(archive);
        var limits = level.Totals.Limits;
        // The central directory lists every entry up front: too many are refused before any is written.
        if (level.Totals.Entries + zip.Entries.Count > limits.MaxEntries)
            level.Refuse($"it holds more than {limits.MaxEntries} entries (the limit).");
        foreach (var entry in zip.Entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            level.CountEntry();
            var unixFileType = (entry.ExternalAttributes >> 16) & 0xF000;
            if (unixFileType == 0xA000)
                level.SkipLink(entry.FullName, ReadZipLinkTarget(level, entry), relativeToEntry: true);
            else if (unixFileType is 0x1000 or 0x2000 or 0x6000 or 0xC000)
                level.Refuse($"entry '{level.Show(entry.FullName)}' is a device file, FIFO or socket.");
            else if (entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\'))
                level.CreateDirectory(entry.FullName);
            else
            {
                string? written;
                using (var data = OpenZipEntry(level, entry))
                    written = level.WriteFile(entry.FullName, data, cancellationToken);
                if (written is not null)
                    UnpackNested(level, entry.FullName, written, cancellationToken);
            }
        }
    }

    private static CountingStream OpenZipEntry(Level level, ZipArchiveEntry entry) =>
        level.Totals.Counted(new CheckedZipEntryStream(entry.Open(), level.Show(entry.FullName), entry.Crc32, entry.Length));

    /// <summary>A zip symbolic link's target is its data: read up to one byte past the cap, never whole.</summary>
    private static string ReadZipLinkTarget(Level level, ZipArchiveEntry entry)
    {
        var cap = level.Totals.Limits.MaxLinkTargetBytes;
        if (entry.Length > cap)
            level.RefuseLongLink(entry.FullName);
        using var data = OpenZipEntry(level, entry);
        var target = new byte[cap + 1];
        var read = data.ReadAtLeast(target, target.Length, throwOnEndOfStream: false);
        if (read > cap)
            level.RefuseLongLink(entry.FullName);
        return Encoding.UTF8.GetString(target, 0, read);
    }

    /// <summary>An archive inside the archive is kept as a file and unpacked next to it, up to the nesting limit.</summary>
    private static void UnpackNested(Level level, string entryName, string path, CancellationToken cancellationToken)
    {
        if (ArchiveFormats.FromFileName(path) is not { } format)
            return;
        var depth = level.Depth + 1;
        if (depth > level.Totals.Limits.MaxNestingDepth)
            level.Refuse($"entry '{level.Show(entryName)}' is an archive nested {depth} deep, past the limit of {level.Totals.Limits.MaxNestingDepth}.");
        var destination = path + NestedSuffix;
        if (Path.Exists(destination))
        {
            level.Skip(entryName, $"nested archive not unpacked: '{Path.GetFileName(destination)}' already exists");
            return;
        }
        var nested = new Level(level.Totals, destination, depth, level.Show(entryName) + "!/");
        try
        {
            Directory.CreateDirectory(destination);
            Unpack(nested, path, format, cancellationToken);
            level.Totals.NestedArchives++;
        }
        catch (Exception exception) when (IsUnreadable(exception))
        {
            // A file that only looks like an archive by its name (a test fixture, say) is still a fine file.
            level.Skip(entryName, $"nested {format.Describe()} archive not unpacked: it is not readable ({exception.Message})");
        }
    }

    /// <summary>What every level of one extraction counts together.</summary>
    private sealed class Totals(string archive, string root, long archiveBytes, ArchiveLimits limits, string? metadataDirectory)
    {
        public string Archive { get; } = archive;
        public string Root { get; } = root;
        public ArchiveLimits Limits { get; } = limits;
        public string? MetadataDirectory { get; } = metadataDirectory;
        public int Entries { get; set; }
        public int Files { get; set; }
        public int Directories { get; set; }
        public int NestedArchives { get; set; }
        /// <summary>Bytes written to files.</summary>
        public long Bytes { get; private set; }
        /// <summary>Bytes decompressed, at every level: what the size limits count.</summary>
        public long Decompressed { get; private set; }
        public List<SkippedEntry> Skipped { get; } = [];
        public List<string> Metadata { get; } = [];
        /// <summary>Every path an entry stands for, relative to the root as decoded; true for a folder.</summary>
        public Dictionary<string, bool> Claims { get; } = new(StringComparer.Ordinal);

        /// <summary>A stream that counts all it decompresses against the limits, refusing the archive as soon as one is passed.</summary>
        public CountingStream Counted(Stream decompressed) => new CountingStream(decompressed, read =>
        {
            Decompressed += read;
            CheckSize();
        });

        /// <summary>Streams <paramref name="data"/> (a counted stream) to <paramref name="path"/>.</summary>
        public void Copy(Stream data, string path, CancellationToken cancellationToken)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan);
                int read;
                while ((read = data.Read(buffer, 0, BufferSize)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Bytes += read;
                    output.Write(buffer, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private void CheckSize()
        {
            if (Decompressed > Limits.MaxTotalBytes)
                Refuse($"it expands to more than {Limits.MaxTotalBytes} bytes (the limit).");
            if (Decompressed > Limits.RatioCheckThresholdBytes && archiveBytes > 0 && (double)Decompressed / archiveBytes > Limits.MaxCompressionRatio)
                Refuse($"it expands to more than {Limits.MaxCompressionRatio} times its own size, as a decompression bomb does.");
        }

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        public void Refuse(string reason) => throw new ArchiveRefusedException(Archive, reason);
    }

    /// <summary>One archive being unpacked into <paramref name="baseDirectory"/>: the outer one, or one nested in it.</summary>
    private sealed class Level(Totals totals, string baseDirectory, int depth, string displayPrefix)
    {
        public Totals Totals { get; } = totals;
        public int Depth { get; } = depth;

        /// <summary>An entry's name as the user reads it: nested entries carry their archive's name, <c>inner.zip!/file</c>.</summary>
        public string Show(string entryName) => displayPrefix + Printable(entryName);

        public void Skip(string entryName, string reason) => Totals.Skipped.Add(new SkippedEntry(Show(entryName), reason));

        public void CountEntry()
        {
            if (++Totals.Entries > Totals.Limits.MaxEntries)
                Refuse($"it holds more than {Totals.Limits.MaxEntries} entries (the limit).");
        }

        public void CreateDirectory(string entryName)
        {
            if (Resolve(entryName) is { } path)
            {
                Claim(entryName, path, directory: true);
                Directory.CreateDirectory(path);
                Totals.Directories++;
            }
        }

        /// <summary>Writes a file entry; returns its path, or null for an entry naming the root itself.</summary>
        public string? WriteFile(string entryName, Stream data, CancellationToken cancellationToken)
        {
            if (Resolve(entryName) is not { } path)
                return null;
            Claim(entryName, path, directory: false);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Totals.Copy(data, path, cancellationToken);
            Totals.Files++;
            return path;
        }

        /// <summary>An entry of a kind not extracted: listed, and its name taken, as a file's would be.</summary>
        public void SkipEntry(string entryName, string reason)
        {
            if (Resolve(entryName) is { } path)
                Claim(entryName, path, directory: false);
            Skip(entryName, reason);
        }

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        public void RefuseLongLink(string entryName) =>
            Refuse($"entry '{Show(entryName)}' is a link whose target is longer than {Totals.Limits.MaxLinkTargetBytes} bytes (the limit).");

        public void SkipLink(string entryName, string linkTarget, bool relativeToEntry)
        {
            if (Encoding.UTF8.GetByteCount(linkTarget) > Totals.Limits.MaxLinkTargetBytes)
                RefuseLongLink(entryName);
            var resolvedEntry = Resolve(entryName);
            if (resolvedEntry is not null)
                Claim(entryName, resolvedEntry, directory: false);
            var entryPath = resolvedEntry ?? baseDirectory;
            var baseOfLink = relativeToEntry ? Path.GetDirectoryName(entryPath)! : baseDirectory;
            var resolved = Path.GetFullPath(Path.Combine(baseOfLink, linkTarget.Replace('\\', '/')));
            if (Path.IsPathRooted(linkTarget) || !IsInside(resolved))
                Refuse($"entry '{Show(entryName)}' is a link to '{Printable(linkTarget)}', outside the package.");
            Skip(entryName, $"link to '{Printable(linkTarget)}' not extracted");
        }

        /// <summary>
        /// Takes <paramref name="path"/> for this entry, and its parents as folders. Folders may be listed many times; any
        /// other second use of a path (a file twice, a file and a folder, two names that decode to one, as 'a/./b' and
        /// 'a/b' or two invalid UTF-8 names) is refused, since one entry would overwrite the other while the counts said
        /// both were there. Names differing in case or Unicode normalisation stay distinct, as on the Linux file systems
        /// packages are unpacked to.
        /// </summary>
        private void Claim(string entryName, string path, bool directory)
        {
            var key = Path.GetRelativePath(Totals.Root, path);
            for (var slash = key.IndexOf('/', StringComparison.Ordinal); slash >= 0; slash = key.IndexOf('/', slash + 1))
            {
                if (!Totals.Claims.TryAdd(key[..slash], true) && !Totals.Claims[key[..slash]])
                    Refuse($"entry '{Show(entryName)}' needs a folder '{Printable(key[..slash])}' where the archive already has a file or link.");
            }
            if (Totals.Claims.TryGetValue(key, out var wasDirectory))
            {
                if (wasDirectory && directory)
                    return;
                Refuse(wasDirectory ? $"entry '{Show(entryName)}' is a file or link where the archive already has a folder."
                    : directory ? $"entry '{Show(entryName)}' is a folder where the archive already has a file or link."
                    : $"entry '{Show(entryName)}' appears twice (or beside a name that decodes to the same path): one would overwrite the other.");
            }
            Totals.Claims[key] = directory;
        }

        /// <summary>The full path of an entry inside the target, or null for the root itself; refuses escapes and impossible names.</summary>
        private string? Resolve(string entryName)
        {
            if (entryName.Contains('\0'))
                Refuse($"entry '{Show(entryName)}' has a NUL character in its name, which no file system accepts.");
            var name = entryName.Replace('\\', '/');
            if (name.StartsWith('/') || (name.Length >= 2 && name[1] == ':'))
                Refuse($"entry '{Show(entryName)}' has an absolute path.");
            var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
            if (parts.Contains(".."))
                Refuse($"entry '{Show(entryName)}' climbs out of the package with '..'.");
            if (parts.Length == 0)
                return null;
            foreach (var part in parts)
                CheckFileName(entryName, part);
            var path = Path.GetFullPath(Path.Combine([baseDirectory, .. parts]));
            if (!IsInside(path))
                Refuse($"entry '{Show(entryName)}' resolves outside the package.");
            if (Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
                Refuse($"entry '{Show(entryName)}' makes a path longer than {MaxPathBytes} bytes, more than the file system accepts.");
            return path;
        }

        private void CheckFileName(string entryName, string part)
        {
            if (part.Any(char.IsControl))
                Refuse($"entry '{Show(entryName)}' has a control character in its name, which is not a valid file name.");
            if (Encoding.UTF8.GetByteCount(part) > MaxNameBytes)
                Refuse($"entry '{Show(entryName)}' has a name longer than {MaxNameBytes} bytes, more than the file system accepts.");
        }

        private bool IsInside(string path) =>
            path == Totals.Root || path.StartsWith(Totals.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        public void Refuse(string reason) => Totals.Refuse(reason);

        /// <summary>A name safe to print: control characters shown as escapes, long names cut.</summary>
        private static string Printable(string name)
        {
            var shown = string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
            return shown.Length > 120 ? shown[..60] + "…" + shown[^40..] : shown;
        }
    }
}
