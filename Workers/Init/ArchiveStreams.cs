using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Cucos.Workers.Init;

/// <summary>The boilerplate of a forward-only read stream; subclasses implement <see cref="Read(Span{byte})"/>.</summary>
internal abstract class ReadOnlyArchiveStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public abstract override int Read(Span<byte> buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));
}

/// <summary>Reports every byte read through it, so each limit counts what was decompressed, whatever it was for.</summary>
internal sealed class CountingStream(Stream inner, Action<int> onRead) : ReadOnlyArchiveStream
{
    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        onRead(read);
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>The next <paramref name="length"/> bytes of <paramref name="inner"/>; an early end of it is a truncated archive.</summary>
internal sealed class BoundedStream(Stream inner, long length) : ReadOnlyArchiveStream
{
    private long left = length;

    public override long Length { get; } = length;

    public override int Read(Span<byte> buffer)
    {
        if (left == 0 || buffer.IsEmpty)
            return 0;
        var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, left)]);
        if (read == 0)
            throw new ArchiveCorruptException("it is truncated: it ends inside an entry's data.");
        left -= read;
        return read;
    }
}

/// <summary>
/// Decompresses gzip and checks the trailer against the data. GZipStream checks the CRC-32 of a trailer it reads, but
/// takes a stream that ends early, even inside the deflate data, for a complete one. Here the last 8 bytes of the input
/// must be the CRC-32 and size of everything decompressed, so a truncated download is refused. A gzip of several
/// concatenated members is therefore refused too (registries serve single-member gzip).
/// </summary>
internal sealed class CheckedGzipStream : ReadOnlyArchiveStream
{
    private readonly TailStream compressed;
    private readonly GZipStream gzip;
    private readonly Crc32 crc = new();
    private long length;
    private bool checkedTrailer;

    public CheckedGzipStream(Stream input)
    {
        compressed = new TailStream(input);
        gzip = new GZipStream(compressed, CompressionMode.Decompress);
    }

    private const string Damaged = "it is corrupt or truncated: its gzip data or trailer (CRC-32 and size) is damaged.";

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = gzip.Read(buffer);
        }
        catch (InvalidDataException)
        {
            // GZipStream says "unsupported compression method" for a CRC-32 that does not match, among others.
            throw new ArchiveCorruptException(Damaged);
        }
        if (read > 0)
        {
            crc.Append(buffer[..read]);
            length += read;
        }
        else if (!buffer.IsEmpty && !checkedTrailer)
        {
            checkedTrailer = true;
            compressed.CopyTo(Stream.Null);
            if (!compressed.EndsWith(crc.GetCurrentHashAsUInt32(), (uint)length))
                throw new ArchiveCorruptException(Damaged);
        }
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            gzip.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Passes its input through, keeping the last 8 bytes read.</summary>
    private sealed class TailStream(Stream inner) : ReadOnlyArchiveStream
    {
        private readonly byte[] tail = new byte[8];
        private long total;

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            var data = buffer[..read];
            if (read >= tail.Length)
                data[^tail.Length..].CopyTo(tail);
            else if (read > 0)
            {
                tail.AsSpan(read).CopyTo(tail);
                data.CopyTo(tail.AsSpan(tail.Length - read));
            }
            total += read;
            return read;
        }

        public bool EndsWith(uint crc32, uint size) =>
            total >= tail.Length
            && BinaryPrimitives.ReadUInt32LittleEndian(tail) == crc32
            && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(4)) == size;

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>A zip entry's data, checked at its end against the CRC-32 and size of the central directory, which System.IO.Compression does not check.</summary>
internal sealed class CheckedZipEntryStream(Stream inner, string entryName, uint expectedCrc, long expectedLength) : ReadOnlyArchiveStream
{
    private readonly Crc32 crc = new();
    private long length;
    private bool checkedEnd;

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        if (read > 0)
        {
            crc.Append(buffer[..read]);
            length += read;
            if (length > expectedLength)
                throw new ArchiveCorruptException($"it is corrupt: entry '{entryName}' holds more data than its declared {expectedLength} bytes.");
        }
        else if (!buffer.IsEmpty && !checkedEnd)
        {
            checkedEnd = true;
            if (length != expectedLength || crc.GetCurrentHashAsUInt32() != expectedCrc)
                throw new ArchiveCorruptException($"it is corrupt: the CRC-32 or size of entry '{entryName}' does not match its data.");
        }
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
