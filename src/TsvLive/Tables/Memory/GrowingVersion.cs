using System.Text;
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
    private readonly Encoding? _rawEncoding;
    private readonly Utf8Transcoder? _transcoder;

    public GrowingVersion(TableMemory memory, Table table, TableVersion start, TsvLiveOptions limits)
    {
        (_memory, _table, Published) = (memory, table, start);
        _content = start.Content();
        if (!ReferenceEquals(_content.Text, _content.Raw))
        {
            // UTF-16 or UTF-32: the bytes are kept as they come, and the text (UTF-8) is a copy the records are read from.
            _rawEncoding = RawEncoding(_content);
            _transcoder = new Utf8Transcoder(_rawEncoding);
        }
        Parser = new AppendParser(_content, limits, _rawEncoding);
        _reservation = memory.Reserve(start.ChargedTo);
    }

    /// <summary>The version as published last (the start until rows are published).</summary>
    public TableVersion Published { get; private set; }

    /// <summary>The records found among the bytes added.</summary>
    public AppendParser Parser { get; }

    /// <summary>The bytes taken in so far, complete records or not.</summary>
    public long Length => _content.Raw.Length;

    /// <summary>The text taken in so far (UTF-8: the bytes themselves, or their copy).</summary>
    public long TextLength => _content.Text.Length;

    /// <summary>
    /// Keeps bytes (in the version's encoding) at the version's end, and their text; refused (507) before
    /// they are kept when the memory budget has no room.
    /// </summary>
    public void Add(ReadOnlySpan<byte> bytes)
    {
        // The bytes, and their UTF-8 copy when there is one (at most one and a half times as many).
        _reservation.Resize(_reservation.Bytes + (_transcoder is null ? bytes.Length : bytes.Length * 5 / 2));
        _content.Raw.Append(bytes);
        _transcoder?.Transcode(bytes, final: false, _content.Text.Append);
    }

    /// <summary>A line end in the version's encoding.</summary>
    public void AddLineEnd() => Add(_rawEncoding is null ? "\n"u8 : _rawEncoding.GetBytes("\n"));

    /// <summary>The bytes ended: a code unit left incomplete becomes text (a replacement character).</summary>
    public void EndOfBytes() => _transcoder?.Transcode([], final: true, _content.Text.Append);

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
        if (_transcoder is not null)
        {
            _content.Text.Truncate(published.TextLength);
        }
        _content.Index.TruncateTo(published.RowCount);
        Sync();
        _reservation.Dispose();
    }

    /// <summary>The encoding of a transcoded version's bytes, told by its first bytes (a byte order mark, or UTF-16's zero bytes).</summary>
    private static Encoding RawEncoding(TableContent content)
    {
        var start = new byte[Math.Min(SourceEncodings.DetectionLength, content.SizeBytes)];
        content.Raw.CopyTo(0, start);
        return SourceEncodings.TranscodeFrom(SourceEncodings.Detect(start, final: true) ?? SourceEncoding.Utf8)
            ?? throw new InvalidOperationException($"The bytes of a {content.EncodingName} version were not recognised as UTF-16 or UTF-32.");
    }
}
