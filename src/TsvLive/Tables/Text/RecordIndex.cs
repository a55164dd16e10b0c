namespace TsvLive.Tables.Text;

/// <summary>
/// Where data records start, kept sparsely: the byte offset of every <see cref="Stride"/>th record.
/// A page read starts at the checkpoint at or before its first record and skips at most
/// <see cref="Stride"/> − 1 records, so a 10-million-row table needs about 5 MB of index.
/// The first block starts small and doubles up to <see cref="BlockSize"/>, so a tiny table costs a
/// few hundred bytes, not 32 KiB. Append-only with one writer; readers use counts they were given.
/// </summary>
internal sealed class RecordIndex
{
    internal const int Stride = 16;
    private const int BlockSize = 4096;
    private const int FirstBlockSize = 16;

    private long[][] _blocks = [];
    private int _checkpointCount;
    private long _recordCount;

    /// <summary>The number of records added (not only checkpoints).</summary>
    public long RecordCount => Volatile.Read(ref _recordCount);

    /// <summary>The memory the index takes, for the memory budget.</summary>
    public long SizeBytes
    {
        get
        {
            var blocks = Volatile.Read(ref _blocks);
            long bytes = blocks.Length * 8L;
            foreach (var block in blocks)
            {
                bytes += (block?.Length ?? 0) * 8L;
            }
            return bytes;
        }
    }

    public void Add(long recordStart)
    {
        if (_recordCount % Stride == 0)
        {
            var block = _checkpointCount / BlockSize;
            if (block == _blocks.Length)
            {
                var blocks = new long[Math.Max(4, _blocks.Length * 2)][];
                Array.Copy(_blocks, blocks, _blocks.Length);
                Volatile.Write(ref _blocks, blocks);
            }
            var slot = _checkpointCount % BlockSize;
            var current = _blocks[block];
            if (current is null || slot == current.Length)
            {
                // A new block, or the first one grown: copied, filled, then published (readers of an
                // older copy only read the checkpoints it already held).
                var grown = new long[block == 0 ? Math.Min(BlockSize, Math.Max(FirstBlockSize, (current?.Length ?? 0) * 2)) : BlockSize];
                current?.CopyTo(grown, 0);
                current = grown;
            }
            current[slot] = recordStart;
            Volatile.Write(ref _blocks[block], current);
            _checkpointCount++;
        }
        Volatile.Write(ref _recordCount, _recordCount + 1);
    }

    /// <summary>
    /// Forgets the records added after the first <paramref name="records"/> (ones that were never
    /// published: an append that failed part-way). Readers only ever read records they were given
    /// counts for, which are at most <paramref name="records"/>.
    /// </summary>
    public void TruncateTo(long records)
    {
        if (records >= _recordCount)
        {
            return;
        }
        _checkpointCount = (int)((records + Stride - 1) / Stride);
        Volatile.Write(ref _recordCount, records);
    }

    /// <summary>The checkpoint at or before <paramref name="record"/> (0-based): its record number and start offset.</summary>
    public (long Record, long Offset) CheckpointAtOrBefore(long record)
    {
        var checkpoint = record / Stride;
        return (checkpoint * Stride, Offset(checkpoint));
    }

    /// <summary>The start of the first checkpoint at or after <paramref name="record"/>, if that record is below <paramref name="knownRecords"/>.</summary>
    public bool TryCheckpointAtOrAfter(long record, long knownRecords, out long offset)
    {
        var checkpoint = (record + Stride - 1) / Stride;
        if (checkpoint * Stride < knownRecords)
        {
            offset = Offset(checkpoint);
            return true;
        }
        offset = 0;
        return false;
    }

    /// <summary>The last checkpoint starting at or before <paramref name="offset"/> among the first <paramref name="knownRecords"/> records; record −1 when none does (the header).</summary>
    public (long Record, long Offset) CheckpointAtOrBeforeOffset(long offset, long knownRecords)
    {
        long low = 0;
        var high = (knownRecords + Stride - 1) / Stride - 1;
        var found = -1L;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            if (Offset(middle) <= offset)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return found < 0 ? (-1, 0) : (found * Stride, Offset(found));
    }

    private long Offset(long checkpoint)
    {
        var blocks = Volatile.Read(ref _blocks);
        return blocks[checkpoint / BlockSize][checkpoint % BlockSize];
    }
}
