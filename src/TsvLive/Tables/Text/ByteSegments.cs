namespace TsvLive.Tables.Text;

/// <summary>
/// Append-only bytes kept in segments that grow from small to <see cref="MaxSegmentSize"/>, so a tiny
/// table costs a few KB and a large one never needs a single giant array. One writer appends; any
/// number of readers read the part below a length they were given, which never changes again.
/// </summary>
internal sealed class ByteSegments
{
    internal const int MinSegmentSize = 16 * 1024;
    internal const int MaxSegmentSize = 1024 * 1024;

    // Readers take the directory and length once; the writer only ever fills bytes past the
    // published length and replaces the directory (never a segment) when it grows.
    private byte[][] _segments = [];
    private long[] _segmentStarts = [];
    private int _segmentCount;
    private long _length;

    public long Length => Volatile.Read(ref _length);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var (segment, used) = CurrentSegmentWithRoom();
            var n = Math.Min(bytes.Length, segment.Length - used);
            bytes[..n].CopyTo(segment.AsSpan(used));
            bytes = bytes[n..];
            Volatile.Write(ref _length, _length + n);
        }
    }

    /// <summary>Copies <paramref name="destination"/>.Length bytes starting at <paramref name="offset"/>.</summary>
    public void CopyTo(long offset, Span<byte> destination)
    {
        var (segments, starts, count) = Directory();
        var i = SegmentIndex(starts, count, offset);
        while (!destination.IsEmpty)
        {
            var within = (int)(offset - starts[i]);
            var n = Math.Min(destination.Length, segments[i].Length - within);
            segments[i].AsSpan(within, n).CopyTo(destination);
            destination = destination[n..];
            offset += n;
            i++;
        }
    }

    /// <summary>The bytes in [start, start + length) without copying when they lie in one segment.</summary>
    public bool TryGetContiguous(long start, int length, out ReadOnlyMemory<byte> memory)
    {
        var (segments, starts, count) = Directory();
        var i = SegmentIndex(starts, count, start);
        var within = (int)(start - starts[i]);
        if (within + length <= segments[i].Length)
        {
            memory = segments[i].AsMemory(within, length);
            return true;
        }
        memory = default;
        return false;
    }

    /// <summary>The bytes in [0, <paramref name="end"/>) segment by segment, without copying (for storing them elsewhere).</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Segments(long end) => Segments(0, end);

    /// <summary>The bytes in [<paramref name="start"/>, <paramref name="end"/>) segment by segment, without copying.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Segments(long start, long end)
    {
        if (start >= end)
        {
            yield break;
        }
        var (segments, starts, count) = Directory();
        for (var i = SegmentIndex(starts, count, start); i < count && starts[i] < end; i++)
        {
            var from = (int)Math.Max(0, start - starts[i]);
            var to = (int)Math.Min(segments[i].Length, end - starts[i]);
            yield return segments[i].AsMemory(from, to - from);
        }
    }

    /// <summary>Reads the bytes in [start, end) as a stream; <paramref name="end"/> must not exceed <see cref="Length"/>.</summary>
    public Stream OpenRead(long start, long end) => new SegmentStream(this, start, end);

    /// <summary>
    /// Drops the bytes from <paramref name="length"/> on (an appended record cut off before its end).
    /// Only bytes no reader was given may go: every published length must be at or below it.
    /// </summary>
    public void Truncate(long length)
    {
        if (length >= _length)
        {
            return;
        }
        while (_segmentCount > 1 && _segmentStarts[_segmentCount - 1] >= length)
        {
            _segmentCount--; // a directory that still lists it is read only below the shorter length
        }
        Volatile.Write(ref _length, Math.Max(0, length));
    }

    /// <summary>Drops the unused tail of the last segment once nothing more will be appended.</summary>
    public void TrimExcess()
    {
        if (_segmentCount == 0)
        {
            return;
        }
        var last = _segmentCount - 1;
        var used = (int)(_length - _segmentStarts[last]);
        if (used < _segments[last].Length)
        {
            var exact = GC.AllocateUninitializedArray<byte>(used);
            _segments[last].AsSpan(0, used).CopyTo(exact);
            var segments = (byte[][])_segments.Clone();
            segments[last] = exact;
            Volatile.Write(ref _segments, segments);
        }
    }

    private (byte[][] Segments, long[] Starts, int Count) Directory()
    {
        // The count is written last by the writer, so reading it first gives a consistent prefix.
        var count = Volatile.Read(ref _segmentCount);
        return (Volatile.Read(ref _segments), Volatile.Read(ref _segmentStarts), count);
    }

    private static int SegmentIndex(long[] starts, int count, long offset)
    {
        var i = Array.BinarySearch(starts, 0, count, offset);
        return i >= 0 ? i : ~i - 1;
    }

    private (byte[] Segment, int Used) CurrentSegmentWithRoom()
    {
        if (_segmentCount > 0)
        {
            var last = _segmentCount - 1;
            var used = (int)(_length - _segmentStarts[last]);
            if (used < _segments[last].Length)
            {
                return (_segments[last], used);
            }
        }
        var size = _segmentCount == 0
            ? MinSegmentSize
            : Math.Min(MaxSegmentSize, _segments[_segmentCount - 1].Length * 2);
        var segment = GC.AllocateUninitializedArray<byte>(size);
        if (_segmentCount == _segments.Length)
        {
            var capacity = Math.Max(8, _segments.Length * 2);
            var segments = new byte[capacity][];
            var starts = new long[capacity];
            Array.Copy(_segments, segments, _segmentCount);
            Array.Copy(_segmentStarts, starts, _segmentCount);
            Volatile.Write(ref _segments, segments);
            Volatile.Write(ref _segmentStarts, starts);
        }
        _segments[_segmentCount] = segment;
        _segmentStarts[_segmentCount] = _length;
        Volatile.Write(ref _segmentCount, _segmentCount + 1);
        return (segment, 0);
    }

    private sealed class SegmentStream(ByteSegments bytes, long position, long end) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, end - position);
            if (n <= 0)
            {
                return 0;
            }
            bytes.CopyTo(position, buffer[..n]);
            position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
