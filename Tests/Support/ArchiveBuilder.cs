using System.Formats.Tar;
using System.IO.Compression;

namespace Cucos.Orleans.Tests.Support;

/// <summary>Builds tar, tar.gz and zip archives, hostile ones included, entry by entry.</summary>
public static class ArchiveBuilder
{
    public static void Tar(string path, bool gzip, Action<TarWriter> write)
    {
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Optimal) : file;
        using var writer = new TarWriter(stream, TarEntryFormat.Pax);
        write(writer);
    }

    public static void AddFile(this TarWriter writer, string name, byte[] content)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) };
        writer.WriteEntry(entry);
    }

    public static void AddEntry(this TarWriter writer, TarEntryType type, string name, string? linkName = null)
    {
        var entry = new PaxTarEntry(type, name);
        if (linkName is not null)
            entry.LinkName = linkName;
        writer.WriteEntry(entry);
    }

    public static void TarOfTree(string path, Dictionary<string, byte[]> files, string prefix = "package/") =>
        Tar(path, gzip: path.EndsWith("gz", StringComparison.Ordinal), writer =>
        {
            foreach (var (name, content) in files)
                writer.AddFile(prefix + name, content);
        });

    public static void Zip(string path, Action<ZipArchive> write)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        write(zip);
    }

    public static void AddFile(this ZipArchive zip, string name, byte[] content, int? unixMode = null)
    {
        var entry = zip.CreateEntry(name);
        if (unixMode is { } mode)
            entry.ExternalAttributes = mode << 16;
        using var stream = entry.Open();
        stream.Write(content);
    }
}
