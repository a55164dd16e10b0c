using TsvLive.Tables.Ingest;

namespace TsvLive.Tables.Memory;

/// <summary>
/// A table's current version taking records at its end: appended here (an append stream), or by
/// another instance and read from the shared store. Bytes are added to the version's own (append-only)
/// bytes and index, the complete records among them found (<see cref="AppendParser"/>), and published
/// as the same version with more rows. Its reservation holds what the bytes and index hold beyond
/// what the version published last counts. Whoever grows a version holds the table's append place,
/// so there is one writer. Disposing rewinds what was not published (a record cut off, records found
/// but not stored) and gives its memory back.
/// </summary>
internal sealed class GrowingVersion : IDisposable
{
    private readonly TableMemory _memory;
    private readonly Table _table;
    private readonly TableContent _content;
    private readonly MemoryReservation _reservation;

    public GrowingVersion(TableMemory memory, Table table, TableVersion start, TsvLiveOptions limits)
    {
        (_memory, _table, Published) = (memory, table, start);
        _content = start.Content();
        Parser = new AppendParser(_content, limits);
        _reservation = memory.Reserve(start.ChargedTo);
    }

    /// <summary>The version as published last (the start until rows are published).</summary>
    public TableVersion Published { get; private set; }

    /// <summary>The records found among the bytes added.</summary>
    public AppendParser Parser { get; }

    /// <summary>The bytes taken in so far, complete records or not.</summary>
    public long Length => _content.Raw.Length;

    /// <summary>Keeps bytes at the version's end; refused (507) before they are kept when the memory budget has no room.</summary>
    public void Add(ReadOnlySpan<byte> bytes)
    {
        _reservation.Resize(_reservation.Bytes + bytes.Length);
        _content.Raw.Append(bytes);
    }

    /// <summary>The version with the records found so far (not published yet).</summary>
    public TableVersion Next(DateTimeOffset at) => Published with { UpdatedAt = at, Source = Parser.Snapshot() };

    /// <summary>Makes <paramref name="grown"/> (from <see cref="Next"/>) the table's version; false when another version is current by now.</summary>
    public bool Publish(TableVersion grown)
    {
        Sync(); // the index may have grown
        if (!_memory.Grow(_table, grown, _reservation))
        {
            return false;
        }
        Published = grown;
        return true;
    }

    /// <summary>The reservation holds what the bytes and the index hold beyond the version published last.</summary>
    public void Sync() =>
        _reservation.Resize(TableContent.HeldBy(_content.Raw, _content.Text, _content.Index) - Published.Content().HeldBytes);

    /// <summary>
    /// What was not published leaves the version and the budget: a record cut off, and records found
    /// but not published (storage failed, or a later record in their batch was refused), so the next
    /// writer appends right after the version's last record, indexed from there.
    /// </summary>
    public void Dispose()
    {
        var published = Published.Content();
        _content.Raw.Truncate(published.SizeBytes);
        _content.Index.TruncateTo(published.RowCount);
        Sync();
        _reservation.Dispose();
    }
}
