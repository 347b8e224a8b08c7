using System.Formats.Tar;
using System.IO.Compression;

namespace Cucos.Orleans.Workers.Init;

public sealed record SkippedEntry(string Path, string Reason);

public sealed record ExtractionReport(int Files, int Directories, long Bytes, IReadOnlyList<SkippedEntry> Skipped);

/// <summary>
/// Unpacks untrusted archives, streaming. Writes nothing outside the target folder: an entry that would
/// (absolute path, '..', a link leading out), a device file, or an archive past the limits refuses the whole archive.
/// Links inside the tree are not created, only listed as skipped.
/// </summary>
public sealed class SafeArchiveExtractor(ArchiveLimits limits)
{
    private const int BufferSize = 81920;

    public ExtractionReport Extract(string archivePath, ArchiveFormat format, string targetDirectory, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(targetDirectory);
        Directory.CreateDirectory(target);
        var run = new Run(archivePath, target, new FileInfo(archivePath).Length, limits);
        try
        {
            if (format == ArchiveFormat.Zip)
                ExtractZip(run, cancellationToken);
            else
                ExtractTar(run, format == ArchiveFormat.TarGzip, cancellationToken);
        }
        catch (Exception exception) when (exception is InvalidDataException or FormatException or EndOfStreamException or NotSupportedException)
        {
            throw new ArchiveRefusedException(archivePath, $"it is not a readable {Describe(format)} archive ({exception.Message}).", exception);
        }
        return new ExtractionReport(run.Files, run.Directories, run.Bytes, run.Skipped);
    }

    private static string Describe(ArchiveFormat format) => format switch
    {
        ArchiveFormat.TarGzip => "gzip-compressed tar",
        ArchiveFormat.Tar => "tar",
        _ => "zip",
    };

    private static void ExtractTar(Run run, bool gzip, CancellationToken cancellationToken)
    {
        using var file = File.OpenRead(run.Archive);
        if (gzip && (file.ReadByte() != 0x1F || file.ReadByte() != 0x8B))
            run.Refuse("it is not gzip-compressed: the file does not start with the gzip signature.");
        file.Position = 0;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            run.CountEntry();
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    run.CreateDirectory(entry.Name);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    if (entry.DataStream is { } data)
                        run.WriteFile(entry.Name, data, cancellationToken);
                    else
                        run.WriteFile(entry.Name, Stream.Null, cancellationToken);
                    break;
                case TarEntryType.SymbolicLink:
                    run.SkipLink(entry.Name, entry.LinkName, relativeToEntry: true);
                    break;
                case TarEntryType.HardLink:
                    run.SkipLink(entry.Name, entry.LinkName, relativeToEntry: false);
                    break;
                case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                    run.Refuse($"entry '{entry.Name}' is a device file or FIFO ({entry.EntryType}).");
                    break;
                default:
                    run.Skipped.Add(new SkippedEntry(entry.Name, $"tar entry type {entry.EntryType} is not extracted"));
                    break;
            }
        }
    }

    private static void ExtractZip(Run run, CancellationToken cancellationToken)
    {
        using var zip = ZipFile.OpenRead(run.Archive);
        foreach (var entry in zip.Entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            run.CountEntry();
            var unixFileType = (entry.ExternalAttributes >> 16) & 0xF000;
            if (unixFileType == 0xA000)
            {
                using var linkReader = new StreamReader(entry.Open());
                run.SkipLink(entry.FullName, linkReader.ReadToEnd(), relativeToEntry: true);
            }
            else if (unixFileType is 0x1000 or 0x2000 or 0x6000 or 0xC000)
                run.Refuse($"entry '{entry.FullName}' is a device file, FIFO or socket.");
            else if (entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\'))
                run.CreateDirectory(entry.FullName);
            else
            {
                using var data = entry.Open();
                run.WriteFile(entry.FullName, data, cancellationToken);
            }
        }
    }

    private sealed class Run(string archive, string target, long archiveBytes, ArchiveLimits limits)
    {
        public string Archive { get; } = archive;
        public int Files { get; private set; }
        public int Directories { get; private set; }
        public long Bytes { get; private set; }
        public List<SkippedEntry> Skipped { get; } = [];
        private int entries;

        public void CountEntry()
        {
            if (++entries > limits.MaxEntries)
                Refuse($"it holds more than {limits.MaxEntries} entries (the limit).");
        }

        public void CreateDirectory(string entryName)
        {
            if (Resolve(entryName) is { } path)
            {
                Directory.CreateDirectory(path);
                Directories++;
            }
        }

        public void WriteFile(string entryName, Stream data, CancellationToken cancellationToken)
        {
            if (Resolve(entryName) is not { } path)
                return;
            if (Directory.Exists(path))
                Refuse($"entry '{entryName}' is a file where the archive already has a folder.");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
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
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
            Files++;
        }

        public void SkipLink(string entryName, string linkTarget, bool relativeToEntry)
        {
            var entryPath = Resolve(entryName) ?? target;
            var baseDirectory = relativeToEntry ? Path.GetDirectoryName(entryPath)! : target;
            var resolved = Path.GetFullPath(Path.Combine(baseDirectory, linkTarget.Replace('\\', '/')));
            if (Path.IsPathRooted(linkTarget) || !IsInside(resolved))
                Refuse($"entry '{entryName}' is a link to '{linkTarget}', outside the package.");
            Skipped.Add(new SkippedEntry(entryName, $"link to '{linkTarget}' not extracted"));
        }

        private void CheckSize()
        {
            if (Bytes > limits.MaxTotalBytes)
                Refuse($"it expands to more than {limits.MaxTotalBytes} bytes (the limit).");
            if (Bytes > limits.RatioCheckThresholdBytes && archiveBytes > 0 && (double)Bytes / archiveBytes > limits.MaxCompressionRatio)
                Refuse($"it expands to more than {limits.MaxCompressionRatio} times its own size, as a decompression bomb does.");
        }

        /// <summary>The full path of an entry inside the target, or null for the root itself; refuses escapes.</summary>
        private string? Resolve(string entryName)
        {
            if (entryName.Contains('\0'))
                Refuse($"entry '{entryName.Replace("\0", "\\0")}' has a NUL character in its name.");
            var name = entryName.Replace('\\', '/');
            if (name.StartsWith('/') || (name.Length >= 2 && name[1] == ':'))
                Refuse($"entry '{entryName}' has an absolute path.");
            var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
            if (parts.Contains(".."))
                Refuse($"entry '{entryName}' climbs out of the package with '..'.");
            if (parts.Length == 0)
                return null;
            var path = Path.GetFullPath(Path.Combine([target, .. parts]));
            if (!IsInside(path))
                Refuse($"entry '{entryName}' resolves outside the package.");
            return path;
        }

        private bool IsInside(string path) =>
            path == target || path.StartsWith(target + Path.DirectorySeparatorChar, StringComparison.Ordinal);

        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        public void Refuse(string reason) => throw new ArchiveRefusedException(Archive, reason);
    }
}
