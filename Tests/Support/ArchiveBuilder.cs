using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Cucos.Tests.Support;

/// <summary>Builds tar, tar.gz, tar.bz2, tar.xz, zip and gem archives, hostile ones included, entry by entry.</summary>
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

    /// <summary>Compresses <paramref name="tarPath"/> with the real command-line tool (bzip2 or xz) into PATH.bz2 / PATH.xz.</summary>
    public static string CompressWith(string tool, string tarPath)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, ["-z", "-k", "-f", tarPath]) { RedirectStandardError = true })
            ?? throw new InvalidOperationException($"could not start {tool}");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} failed: {error}");
        return tarPath + (tool == "bzip2" ? ".bz2" : ".xz");
    }

    public static byte[] TarBytes(bool gzip, Action<TarWriter> write)
    {
        using var memory = new MemoryStream();
        using (Stream stream = gzip ? new GZipStream(memory, CompressionLevel.Optimal, leaveOpen: true) : memory)
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
            write(writer);
        return memory.ToArray();
    }

    public static byte[] Gzip(byte[] content)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(content);
        return memory.ToArray();
    }

    /// <summary>A RubyGems package as gem build writes it: a plain tar of metadata.gz, data.tar.gz and checksums.yaml.gz.</summary>
    public static byte[] Gem(string name, string version, Dictionary<string, byte[]> files)
    {
        var data = TarBytes(gzip: true, w =>
        {
            foreach (var (path, content) in files)
                w.AddFile(path, content);
        });
        var metadata = Encoding.UTF8.GetBytes($"--- !ruby/object:Gem::Specification\nname: {name}\nversion: !ruby/object:Gem::Version\n  version: {version}\n");
        return TarBytes(gzip: false, w =>
        {
            w.AddFile("metadata.gz", Gzip(metadata));
            w.AddFile("data.tar.gz", data);
            w.AddFile("checksums.yaml.gz", Gzip(Encoding.UTF8.GetBytes("---\nSHA256: {}\n")));
        });
    }

    public static byte[] ZipBytes(Action<ZipArchive> write)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
            write(zip);
        return memory.ToArray();
    }

    /// <summary>
    /// A ustar header block as a hostile writer makes it: any type byte and any declared size (octal, or GNU base-256
    /// past 8 GiB); the data, <see cref="WriteTarPadding"/> and the end are the caller's.
    /// </summary>
    public static void WriteTarHeader(Stream output, string name, char type, long size, string linkName = "") =>
        WriteTarHeader(output, Encoding.UTF8.GetBytes(name), type, size, linkName);

    /// <summary>The same, with the name given as raw bytes (not necessarily UTF-8).</summary>
    public static void WriteTarHeader(Stream output, byte[] name, char type, long size, string linkName = "")
    {
        var header = new byte[512];
        name.CopyTo(header, 0);
        Encoding.ASCII.GetBytes("0000644\0", header.AsSpan(100));
        Encoding.ASCII.GetBytes("0000000\0", header.AsSpan(108));
        Encoding.ASCII.GetBytes("0000000\0", header.AsSpan(116));
        if (size < 1L << 33)
            Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0", header.AsSpan(124));
        else
        {
            header[124] = 0x80;
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(128), size);
        }
        Encoding.ASCII.GetBytes("00000000000\0", header.AsSpan(136));
        header[156] = (byte)type;
        Encoding.UTF8.GetBytes(linkName, header.AsSpan(157, 100));
        Encoding.ASCII.GetBytes("ustar\000", header.AsSpan(257));
        header.AsSpan(148, 8).Fill((byte)' ');
        var checksum = header.Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(checksum, 8).PadLeft(6, '0') + "\0 ", header.AsSpan(148));
        output.Write(header);
    }

    public static void WriteTarPadding(Stream output, long size) => output.Write(new byte[(512 - size % 512) % 512]);

    public static void WriteTarEnd(Stream output) => output.Write(new byte[1024]);

    /// <summary>A tar entry with its data and padding, written by hand (<see cref="WriteTarHeader"/>).</summary>
    public static void WriteTarEntry(Stream output, string name, char type, byte[] data, string linkName = "")
    {
        WriteTarHeader(output, name, type, data.Length, linkName);
        output.Write(data);
        WriteTarPadding(output, data.Length);
    }

    /// <summary>One pax record, <c>LENGTH key=value\n</c>, LENGTH counting the whole record with its own digits.</summary>
    public static byte[] PaxRecord(string key, string value)
    {
        var body = $" {key}={value}\n";
        var length = Encoding.UTF8.GetByteCount(body);
        var total = length + length.ToString(CultureInfo.InvariantCulture).Length;
        if (total.ToString(CultureInfo.InvariantCulture).Length != (total - length))
            total++;
        return Encoding.UTF8.GetBytes(total.ToString(CultureInfo.InvariantCulture) + body);
    }

    /// <summary>Writes <paramref name="count"/> copies of <paramref name="value"/> without holding them, for headers and links of hundreds of MiB.</summary>
    public static void WriteRepeated(Stream output, byte value, long count)
    {
        var chunk = new byte[1024 * 1024];
        chunk.AsSpan().Fill(value);
        for (var left = count; left > 0; left -= chunk.Length)
            output.Write(chunk, 0, (int)Math.Min(chunk.Length, left));
    }
}
