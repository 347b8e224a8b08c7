using System.Globalization;
using System.Text;

namespace Cucos.Workers.Init;

/// <summary>One tar entry with its extended headers applied; <see cref="Data"/> ends at the entry's end.</summary>
internal sealed record TarItem(char Type, string Name, string LinkName, long Size, Stream Data);

/// <summary>
/// Reads a tar stream (v7, ustar, GNU and pax) header by header, never holding more of it than a capped header:
/// pax headers and GNU long names past <see cref="ArchiveLimits.MaxTarHeaderBytes"/> and GNU long link targets past
/// <see cref="ArchiveLimits.MaxLinkTargetBytes"/> are refused from their declared size, before they are read. Data the caller does not
/// read (skipped entries) is read through before the next header, so every byte passes the caller's counting stream.
/// System.Formats.Tar reads such headers whole into memory, which is why this reader exists.
/// </summary>
internal sealed class TarStreamReader(Stream stream, ArchiveLimits limits)
{
    private const int BlockSize = 512;
    private readonly byte[] header = new byte[BlockSize];
    private TarItem? current;

    /// <summary>The next entry, or null at the end of the archive (a zero block, or the end of the stream).</summary>
    public TarItem? Next()
    {
        string? longName = null, longLink = null, paxPath = null, paxLink = null;
        long? paxSize = null;
        while (true)
        {
            SkipRestOfCurrent();
            if (!ReadHeader())
                return null;
            var type = header[156] == 0 ? '0' : (char)header[156];
            var size = Number(124, 12, "size");
            switch (type)
            {
                case 'x':
                    (paxPath, paxLink, paxSize) = ReadPax(size, paxPath, paxLink, paxSize);
                    continue;
                case 'g':
                    // Global pax headers set defaults (times, owners) that are not extracted; their size is still capped.
                    ReadCapped(size, limits.MaxTarHeaderBytes, "a pax global header");
                    continue;
                case 'L':
                    longName = CString(ReadCapped(size, limits.MaxTarHeaderBytes, "a GNU long name"));
                    continue;
                case 'K':
                    longLink = CString(ReadCapped(size, limits.MaxLinkTargetBytes, "a GNU long link target"));
                    continue;
                case 'S' when header[482] != 0:
                    SkipSparseExtensions();
                    break;
            }
            size = paxSize ?? size;
            if (size > limits.MaxTotalBytes)
                throw new ArchiveCorruptException($"an entry declares {size} bytes, more than {limits.MaxTotalBytes} bytes (the limit).");
            var name = paxPath ?? longName ?? HeaderName();
            var link = paxLink ?? longLink ?? CString(header.AsSpan(157, 100));
            // Links and directories carry no data in the archive, whatever their size field says.
            var dataSize = type is '1' or '2' or '5' ? 0 : size;
            current = new TarItem(type, name, link, dataSize, new BoundedStream(stream, dataSize));
            return current;
        }
    }

    /// <summary>Reads the next header block; false at the end of the archive. Checks the header's checksum.</summary>
    private bool ReadHeader()
    {
        var read = stream.ReadAtLeast(header, BlockSize, throwOnEndOfStream: false);
        if (read == 0)
            return false;
        if (read < BlockSize)
            throw new ArchiveCorruptException("it is truncated: it ends inside an entry header.");
        if (!header.AsSpan().ContainsAnyExcept((byte)0))
            return false;
        long unsigned = 0, signed = 0;
        for (var i = 0; i < BlockSize; i++)
        {
            var value = i is >= 148 and < 156 ? (byte)' ' : header[i];
            unsigned += value;
            signed += (sbyte)value;
        }
        var stored = Number(148, 8, "checksum");
        if (stored != unsigned && stored != signed)
            throw new ArchiveCorruptException("it is corrupt: an entry header's checksum does not match the header.");
        return true;
    }

    private (string? Path, string? Link, long? Size) ReadPax(long size, string? path, string? link, long? dataSize)
    {
        var records = ReadCapped(size, limits.MaxTarHeaderBytes, "a pax extended header");
        var at = 0;
        while (at < records.Length)
        {
            // Each record is "LENGTH key=value\n", LENGTH counting the whole record in bytes.
            var space = Array.IndexOf(records, (byte)' ', at);
            if (space < 0 || !int.TryParse(records.AsSpan(at, space - at), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                || length <= space - at || at + length > records.Length || records[at + length - 1] != '\n')
                throw new ArchiveCorruptException("it is corrupt: a pax extended header has a malformed record.");
            var record = records.AsSpan(space + 1, at + length - space - 2);
            var equals = record.IndexOf((byte)'=');
            if (equals < 0)
                throw new ArchiveCorruptException("it is corrupt: a pax extended header has a record without '='.");
            var key = Encoding.UTF8.GetString(record[..equals]);
            var value = record[(equals + 1)..];
            switch (key)
            {
                case "path":
                    path = Encoding.UTF8.GetString(value);
                    break;
                case "linkpath":
                    link = Encoding.UTF8.GetString(value);
                    break;
                case "size":
                    dataSize = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                        ? parsed
                        : throw new ArchiveCorruptException($"it is corrupt: a pax header gives the size '{Encoding.UTF8.GetString(value)}', which is not a byte count.");
                    break;
            }
            at += length;
        }
        return (path, link, dataSize);
    }

    /// <summary>The data of a header entry, read only when its declared size is within <paramref name="cap"/>.</summary>
    private byte[] ReadCapped(long size, int cap, string what)
    {
        if (size > cap)
            throw new ArchiveCorruptException($"it has {what} of {size} bytes, more than the limit of {cap} bytes.");
        var data = new byte[size];
        stream.ReadExactly(data);
        SkipPadding(size);
        return data;
    }

    /// <summary>Old GNU sparse files put extra 512-byte maps after the header while byte 504 of the previous one is set.</summary>
    private void SkipSparseExtensions()
    {
        var extension = new byte[BlockSize];
        do
            stream.ReadExactly(extension);
        while (extension[504] != 0);
    }

    private void SkipRestOfCurrent()
    {
        if (current is null)
            return;
        current.Data.CopyTo(Stream.Null);
        SkipPadding(current.Size);
        current = null;
    }

    private void SkipPadding(long size)
    {
        var padding = (int)((BlockSize - size % BlockSize) % BlockSize);
        if (padding > 0)
            stream.ReadExactly(header.AsSpan(0, padding));
    }

    private string HeaderName()
    {
        var name = CString(header.AsSpan(0, 100));
        // POSIX ustar ("ustar\0") keeps a prefix of the path at 345; GNU ("ustar  ") uses those bytes for other fields.
        var isPosix = header.AsSpan(257, 6).SequenceEqual("ustar\0"u8);
        var prefix = isPosix ? CString(header.AsSpan(345, 155)) : "";
        return prefix.Length > 0 ? prefix + "/" + name : name;
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    /// <summary>An octal field, or a big-endian binary one when its first byte has the high bit set (GNU, for sizes of 8 GiB and more).</summary>
    private long Number(int offset, int length, string field)
    {
        var bytes = header.AsSpan(offset, length);
        if ((bytes[0] & 0x80) != 0)
        {
            if (length < 9 || (bytes[0] & 0x7F) != 0 || bytes[1..^8].ContainsAnyExcept((byte)0) || (bytes[^8] & 0x80) != 0)
                throw new ArchiveCorruptException($"it is corrupt: an entry header's {field} field is negative or too large.");
            return System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes[^8..]);
        }
        long value = 0;
        foreach (var b in bytes.Trim(" \0"u8))
        {
            if (b is < (byte)'0' or > (byte)'7' || value > long.MaxValue >> 3)
                throw new ArchiveCorruptException($"it is corrupt: an entry header's {field} field is not an octal number.");
            value = (value << 3) + (b - '0');
        }
        return value;
    }
}
