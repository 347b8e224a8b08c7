namespace Cucos.Workers.Registries;

/// <summary>
/// A read-only view of a response body that stops a registry from sending too much or nothing at all: past
/// <paramref name="maxBytes"/> it throws <paramref name="tooLarge"/>, and a read that waits longer than
/// <paramref name="idleTimeout"/> throws <paramref name="idle"/>. Counted bytes are the decompressed ones.
/// </summary>
internal sealed class BoundedReadStream(Stream inner, long maxBytes, TimeSpan idleTimeout, Func<Exception> tooLarge, Func<Exception> idle) : Stream
{
    private long read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => read; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(idleTimeout);
        int count;
        try
        {
            // One byte past the limit is asked for, so that a body of exactly the limit is taken and one byte more is not.
            var room = (int)Math.Min(buffer.Length, maxBytes - read + 1);
            count = await inner.ReadAsync(buffer[..room], wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw idle();
        }
        read += count;
        return read > maxBytes ? throw tooLarge() : count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Synchronous reads would escape the idle timeout; every reader here is asynchronous.
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush() => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
