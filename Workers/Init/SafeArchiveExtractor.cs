using System.Buffers;
using System.Formats.Tar;
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
/// listed as skipped. The limits count every level of nesting together.
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
                exception is WrongSignatureException ? exception.Message : $"it is not a readable {format.Describe()} archive ({exception.Message}).", exception);
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
            using var stream = Decompress(file, format);
            ExtractTar(level, stream, cancellationToken);
        }
    }

    private static readonly Dictionary<ArchiveFormat, (byte[] Signature, string Name)> Signatures = new()
    {
        [ArchiveFormat.TarGzip] = ([0x1F, 0x8B], "gzip"),
        [ArchiveFormat.TarBzip2] = ("BZh"u8.ToArray(), "bzip2"),
        [ArchiveFormat.TarXz] = ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz"),
    };

    /// <summary>Unreadable, like any corrupt archive: refuses the outer archive, only skips a nested one.</summary>
    private sealed class WrongSignatureException(string message) : FormatException(message);

    /// <summary>The tar stream inside <paramref name="file"/>, after checking the compressor's signature.</summary>
    private static Stream Decompress(Stream file, ArchiveFormat format)
    {
        if (!Signatures.TryGetValue(format, out var expected))
            return file;
        Span<byte> head = stackalloc byte[expected.Signature.Length];
        if (file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length || !head.SequenceEqual(expected.Signature))
            throw new WrongSignatureException($"it is not {expected.Name}-compressed: the file does not start with the {expected.Name} signature.");
        file.Position = 0;
        return format switch
        {
            ArchiveFormat.TarGzip => new GZipStream(file, CompressionMode.Decompress),
            ArchiveFormat.TarBzip2 => BZip2Stream.Create(file, SharpCompressionMode.Decompress, decompressConcatenated: true, leaveOpen: false, tolerateTruncatedStream: false),
            _ => new XZStream(file),
        };
    }

    private static void ExtractTar(Level level, Stream stream, CancellationToken cancellationToken)
    {
        using var reader = new TarReader(stream, leaveOpen: true);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            level.CountEntry();
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    level.CreateDirectory(entry.Name);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    if (level.WriteFile(entry.Name, entry.DataStream ?? Stream.Null, cancellationToken) is { } written)
                        UnpackNested(level, entry.Name, written, cancellationToken);
                    break;
                case TarEntryType.SymbolicLink:
                    level.SkipLink(entry.Name, entry.LinkName, relativeToEntry: true);
                    break;
                case TarEntryType.HardLink:
                    level.SkipLink(entry.Name, entry.LinkName, relativeToEntry: false);
                    break;
                case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                    level.Refuse($"entry '{level.Show(entry.Name)}' is a device file or FIFO ({entry.EntryType}).");
                    break;
                default:
                    level.Skip(entry.Name, $"tar entry type {entry.EntryType} is not extracted");
                    break;
            }
        }
    }

    /// <summary>A gem's outer tar: the files come from data.tar.gz, the gemspec from metadata.gz; both are part of the format, not nesting.</summary>
    private static void ExtractGem(Level level, Stream file, CancellationToken cancellationToken)
    {
        using var reader = new TarReader(file, leaveOpen: true);
        var sawData = false;
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            level.CountEntry();
            var data = entry.DataStream ?? Stream.Null;
            switch (entry.Name)
            {
                case "data.tar.gz":
                    sawData = true;
                    using (var files = new GZipStream(data, CompressionMode.Decompress, leaveOpen: true))
                        ExtractTar(level, files, cancellationToken);
                    break;
                case "metadata.gz" or "checksums.yaml.gz" when level.Totals.MetadataDirectory is { } metadata:
                    Directory.CreateDirectory(metadata);
                    var name = entry.Name == "metadata.gz" ? "metadata.yaml" : "checksums.yaml";
                    using (var text = new GZipStream(data, CompressionMode.Decompress, leaveOpen: true))
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
    }

    private static void ExtractZip(Level level, string archive, CancellationToken cancellationToken)
    {
        using var zip = ZipFile.OpenRead(archive);
        foreach (var entry in zip.Entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            level.CountEntry();
            var unixFileType = (entry.ExternalAttributes >> 16) & 0xF000;
            if (unixFileType == 0xA000)
            {
                using var linkReader = new StreamReader(entry.Open());
                level.SkipLink(entry.FullName, linkReader.ReadToEnd(), relativeToEntry: true);
            }
            else if (unixFileType is 0x1000 or 0x2000 or 0x6000 or 0xC000)
                level.Refuse($"entry '{level.Show(entry.FullName)}' is a device file, FIFO or socket.");
            else if (entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\'))
                level.CreateDirectory(entry.FullName);
            else
            {
                string? written;
                using (var data = entry.Open())
                    written = level.WriteFile(entry.FullName, data, cancellationToken);
                if (written is not null)
                    UnpackNested(level, entry.FullName, written, cancellationToken);
            }
        }
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
        public long Bytes { get; private set; }
        public List<SkippedEntry> Skipped { get; } = [];
        public List<string> Metadata { get; } = [];

        /// <summary>Streams <paramref name="data"/> to <paramref name="path"/>, refusing the archive as soon as a size limit is passed.</summary>
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
                    CheckSize();
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
            if (Bytes > Limits.MaxTotalBytes)
                Refuse($"it expands to more than {Limits.MaxTotalBytes} bytes (the limit).");
            if (Bytes > Limits.RatioCheckThresholdBytes && archiveBytes > 0 && (double)Bytes / archiveBytes > Limits.MaxCompressionRatio)
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
                Directory.CreateDirectory(path);
                Totals.Directories++;
            }
        }

        /// <summary>Writes a file entry; returns its path, or null for an entry naming the root itself.</summary>
        public string? WriteFile(string entryName, Stream data, CancellationToken cancellationToken)
        {
            if (Resolve(entryName) is not { } path)
                return null;
            if (Directory.Exists(path))
                Refuse($"entry '{Show(entryName)}' is a file where the archive already has a folder.");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Totals.Copy(data, path, cancellationToken);
            Totals.Files++;
            return path;
        }

        public void SkipLink(string entryName, string linkTarget, bool relativeToEntry)
        {
            var entryPath = Resolve(entryName) ?? baseDirectory;
            var baseOfLink = relativeToEntry ? Path.GetDirectoryName(entryPath)! : baseDirectory;
            var resolved = Path.GetFullPath(Path.Combine(baseOfLink, linkTarget.Replace('\\', '/')));
            if (Path.IsPathRooted(linkTarget) || !IsInside(resolved))
                Refuse($"entry '{Show(entryName)}' is a link to '{Printable(linkTarget)}', outside the package.");
            Skip(entryName, $"link to '{Printable(linkTarget)}' not extracted");
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
