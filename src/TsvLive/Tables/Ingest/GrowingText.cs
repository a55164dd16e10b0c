using TsvLive.Tables.Text;

namespace TsvLive.Tables.Ingest;

/// <summary>
/// The text of an upload while it arrives: bytes appended by the upload, read by the indexer through
/// <see cref="OpenReader"/>, whose reads wait for more bytes until <see cref="Complete"/> is called.
/// </summary>
internal sealed class GrowingText(ByteSegments bytes)
{
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _complete;

    public ByteSegments Bytes => bytes;

    /// <summary>Whether every byte has arrived (<see cref="Bytes"/> no longer grows).</summary>
    public bool IsComplete => _complete;

    public void Append(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty)
        {
            return;
        }
        bytes.Append(chunk);
        Grew();
    }

    /// <summary>Tells the reader that <see cref="Bytes"/> grew (when the upload appends to them itself).</summary>
    public void Grew() =>
        Interlocked.Exchange(ref _arrived, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public void Complete()
    {
        _complete = true;
        Grew();
    }

    /// <summary>A stream over the text from <paramref name="start"/> that ends when the text is complete.</summary>
    public Stream OpenReader(long start) => new Reader(this, start);

    private sealed class Reader(GrowingText text, long position) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                // Take the signal before looking at the length, so a pulse in between is not missed.
                var arrived = Volatile.Read(ref text._arrived).Task;
                var complete = text._complete;
                var available = text.Bytes.Length - position;
                if (available > 0)
                {
                    var n = (int)Math.Min(buffer.Length, available);
                    text.Bytes.CopyTo(position, buffer.Span[..n]);
                    position += n;
                    return n;
                }
                if (complete)
                {
                    return 0;
                }
                await arrived.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) =>
            throw new NotSupportedException("The indexer reads asynchronously.");

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
