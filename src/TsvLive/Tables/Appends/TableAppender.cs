using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Limits;
using TsvLive.Tables.Memory;
using TsvLive.Tables.Registry;
using TsvLive.Tables.Storage;
using TsvLive.Tables.Uploads;

namespace TsvLive.Tables.Appends;

/// <summary>What an append stream added: the table, its version (unchanged), its rows now, and the records this stream appended.</summary>
internal sealed record AppendResult(Table Table, TableVersion Version, long Appended);

/// <summary>
/// Appends records to a table's current version (contract v3, "Live tables"): one open stream per
/// table and a few per address; each complete record is stored, then readable and announced
/// (RowsAppended, coalesced per table) as soon as it has arrived; the stream may stay open as long as
/// its producer runs (no stall rule), and ends with the table's replacement (table-replaced) or
/// deletion (table-deleted). A record cut off by the stream's end is dropped; the ones before stay.
/// </summary>
internal sealed partial class TableAppender : IDisposable
{
    private readonly TableStore _store;
    private readonly TableMemory _memory;
    private readonly ITableStorage _storage;
    private readonly ITableEvents _events;
    private readonly TsvLiveOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<TableAppender> _logger;
    private readonly PartitionedRateLimiter<string> _streamsPerAddress;
    private readonly ConcurrentDictionary<string, Notice> _notices = new(StringComparer.Ordinal);

    public TableAppender(
        TableStore store, TableMemory memory, ITableStorage storage, ITableEvents events, IOptions<TsvLiveOptions> options, TimeProvider clock,
        ILogger<TableAppender> logger)
    {
        (_store, _memory, _storage, _events, _options, _clock, _logger) = (store, memory, storage, events, options.Value, clock, logger);
        _streamsPerAddress = AtOnce.PerKey<string>(_options.MaxAppendStreamsPerAddress);
    }

    public async Task<AppendResult> AppendAsync(
        string? id, string? editKey, IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, Uploader uploader, CancellationToken cancellationToken)
    {
        var table = await _store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        table.RequireEditKey(editKey);
        var start = table.Current;
        var content = start.Content();
        if (table.IsDeleted)
        {
            throw new TableDeletedException();
        }
        if (!content.Complete)
        {
            throw TableArrivingException.ForAppends();
        }
        if (table.IsReplacing)
        {
            throw new ReplacementRunningException();
        }
        if (!ReferenceEquals(content.Text, content.Raw))
        {
            throw new AppendEncodingException(content.EncodingName);
        }
        using var perAddress = _streamsPerAddress.AttemptAcquire(uploader.AddressKey);
        if (!perAddress.IsAcquired)
        {
            throw new TooManyRequestsException(
                $"This address has {_options.MaxAppendStreamsPerAddress} append streams open, the most allowed. End one before opening another.");
        }
        using var place = table.BeginAppend(out var replaced);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, replaced, table.Deleted);
        using var reservation = _memory.Reserve(start.ChargedTo);
        var stream = new Stream(this, table, start, content, reservation);
        try
        {
            await stream.RunAsync(chunks, running.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not TsvLiveException && table.IsDeleted)
        {
            throw new TableDeletedException();
        }
        catch (Exception e) when (e is not TsvLiveException && replaced.IsCancellationRequested)
        {
            throw new TableReplacedException();
        }
        finally
        {
            stream.DropPartialRecord();
        }
        LogAppended(table.Id, start.Version, stream.Appended, stream.Parser.RowCount);
        return new AppendResult(table, table.Current, stream.Appended);
    }

    public void Dispose()
    {
        _streamsPerAddress.Dispose();
        foreach (var notice in _notices.Values)
        {
            notice.Throttle.Dispose();
        }
    }

    /// <summary>Tells the table's watchers of its rows now, at most about ten times a second per table (the last always).</summary>
    private void Announce(Table table, TableVersion version)
    {
        var notice = _notices.GetOrAdd(table.Id, _ => new Notice(new Throttle<(Table, TableVersion)>(
            TimeSpan.FromMilliseconds(100), _clock, grown => _events.RowsAppended(grown.Item1, grown.Item2))));
        notice.LastUsed = _clock.GetTimestamp();
        notice.Throttle.Report((table, version));
        if (_notices.Count > 64)
        {
            // Tables nobody appended to for a while: their last notice went out long ago.
            foreach (var (key, idle) in _notices.Where(n => _clock.GetElapsedTime(n.Value.LastUsed) > TimeSpan.FromSeconds(10)).ToList())
            {
                if (_notices.TryRemove(new KeyValuePair<string, Notice>(key, idle)))
                {
                    idle.Throttle.Dispose();
                }
            }
        }
    }

    private sealed class Notice(Throttle<(Table, TableVersion)> throttle)
    {
        public Throttle<(Table, TableVersion)> Throttle => throttle;

        public long LastUsed { get; set; }
    }

    /// <summary>
    /// One append stream: bytes in, complete records stored, published and announced batch by batch.
    /// Its reservation holds what the table's bytes and index hold beyond what the version published last
    /// counts (<see cref="Sync"/>): bytes that arrived, and (once published) the part past its last record.
    /// </summary>
    private sealed class Stream(TableAppender owner, Table table, TableVersion start, TableContent content, MemoryReservation reservation)
    {
        private TableVersion _published = start;
        private long _stored = content.SizeBytes;

        public AppendParser Parser { get; } = new(content, owner._options);

        public long Appended { get; private set; }

        public async Task RunAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, CancellationToken cancellationToken)
        {
            // Appended records start on a line of their own, even after a file whose last line had no line end.
            if (content.TextLength > 0 && !EndsWithLineEnd(content.Raw, content.TextLength))
            {
                Add("\n"u8);
            }
            await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (content.Raw.Length + chunk.Length > owner._options.MaxUploadBytes)
                {
                    await PublishAsync(cancellationToken).ConfigureAwait(false); // the complete records before stay
                    throw new UploadTooLargeException(owner._options.MaxUploadBytes);
                }
                Add(chunk.Span);
                Appended += Parser.Parse(final: false);
                await PublishAsync(cancellationToken).ConfigureAwait(false);
            }
            // The body ended: its last record is complete without a line end (which it gets, for the next append).
            if (content.Raw.Length > Parser.Committed && !EndsWithLineEnd(content.Raw, content.Raw.Length))
            {
                Add("\n"u8);
            }
            Appended += Parser.Parse(final: true);
            await PublishAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Bytes past the last complete record (a record cut off) leave the table and the budget.</summary>
        public void DropPartialRecord()
        {
            content.Raw.Truncate(Parser.Committed);
            Sync();
        }

        private void Add(ReadOnlySpan<byte> bytes)
        {
            reservation.Resize(reservation.Bytes + bytes.Length); // refused (507) before the bytes are kept
            content.Raw.Append(bytes);
        }

        /// <summary>The reservation holds what the bytes and the index hold beyond the version published last.</summary>
        private void Sync() =>
            reservation.Resize(TableContent.HeldBy(content.Raw, content.Text, content.Index) - _published.Content().HeldBytes);

        /// <summary>Stores the records found since the last batch (durable first), then makes them the version's and announces them.</summary>
        private async Task PublishAsync(CancellationToken cancellationToken)
        {
            Sync(); // the index may have grown
            if (Parser.Committed == _stored)
            {
                return;
            }
            var snapshot = Parser.Snapshot();
            await owner._storage.AppendAsync(table.Id, _published.Version, snapshot, _stored, cancellationToken).ConfigureAwait(false);
            _stored = snapshot.SizeBytes;
            var grown = _published with { UpdatedAt = owner._clock.GetUtcNow(), Source = snapshot };
            if (owner._memory.Grow(table, grown, reservation))
            {
                _published = grown;
                owner.Announce(table, grown);
            }
        }

        private static bool EndsWithLineEnd(Text.ByteSegments bytes, long length)
        {
            Span<byte> last = stackalloc byte[1];
            bytes.CopyTo(length - 1, last);
            return last[0] is (byte)'\n' or (byte)'\r';
        }
    }

    [LoggerMessage(LogLevel.Information, "Appended {Appended} rows to table {TableId} version {Version}; it has {Rows} rows")]
    private partial void LogAppended(string tableId, int version, long appended, long rows);
}
