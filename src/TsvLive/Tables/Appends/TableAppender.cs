using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Limits;
using TsvLive.Tables.Ingest;
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
        using var perAddress = _streamsPerAddress.AttemptAcquire(uploader.AddressKey);
        if (!perAddress.IsAcquired)
        {
            throw new TooManyRequestsException(
                $"This address has {_options.MaxAppendStreamsPerAddress} append streams open, the most allowed. End one before opening another.");
        }
        using var place = table.BeginAppend(out var replaced);
        // Read once the place is held: nothing else grows the version from here on (rows read from another instance included).
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
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, replaced, table.Deleted);
        var growing = new GrowingVersion(_memory, table, start, _options);
        var stream = new Stream(this, table, growing);
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
            growing.Dispose(); // what was not published leaves the version
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

    /// <summary>One append stream: bytes in, complete records stored, published and announced batch by batch.</summary>
    private sealed class Stream(TableAppender owner, Table table, GrowingVersion growing)
    {
        private long _stored = growing.Published.Content().SizeBytes;

        public AppendParser Parser => growing.Parser;

        public long Appended { get; private set; }

        public async Task RunAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, CancellationToken cancellationToken)
        {
            // Appended records start on a line of their own, even after a file whose last line had no line end.
            var content = growing.Published.Content();
            if (content.TextLength > 0 && !EndsWithLineEnd(content.Text, content.TextLength))
            {
                growing.AddLineEnd();
            }
            using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var next = chunks.GetAsyncEnumerator(reading.Token);
            Task<bool>? unfinished = null; // a read still running when publishing failed
            try
            {
                while (true)
                {
                    var moving = next.MoveNextAsync();
                    if (!moving.IsCompleted && growing.TextLength > Parser.Committed)
                    {
                        // Nothing more has arrived yet: what has is published now, so a producer that trickles
                        // (tail -f) has each record shown at once, and one that floods is stored in batches.
                        try
                        {
                            await PublishFoundAsync(cancellationToken).ConfigureAwait(false);
                        }
                        catch
                        {
                            await reading.CancelAsync().ConfigureAwait(false);
                            unfinished = moving.AsTask();
                            throw;
                        }
                    }
                    if (!await moving.ConfigureAwait(false))
                    {
                        break;
                    }
                    var chunk = next.Current;
                    if (growing.Length + chunk.Length > owner._options.MaxUploadBytes)
                    {
                        await PublishFoundAsync(cancellationToken).ConfigureAwait(false); // the complete records before stay
                        throw new UploadTooLargeException(owner._options.MaxUploadBytes);
                    }
                    growing.Add(chunk.Span);
                    if (growing.TextLength - Parser.Committed >= BatchBytes)
                    {
                        await PublishFoundAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                if (unfinished is null)
                {
                    await next.DisposeAsync().ConfigureAwait(false);
                }
                else
                {
                    _ = DisposeWhenReadAsync(next, unfinished); // an enumerator is not disposed while it reads
                }
            }
            // The body ended: its last record is complete without a line end (which it gets, for the next append).
            growing.EndOfBytes();
            if (growing.TextLength > Parser.Committed && !EndsWithLineEnd(content.Text, growing.TextLength))
            {
                growing.AddLineEnd();
            }
            Appended += Parser.Parse(final: true);
            await PublishAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The most bytes taken in before their records are stored and shown, while more keep arriving.</summary>
        private const int BatchBytes = 1 << 20;

        /// <summary>Finds the complete records among the bytes taken in, then publishes them.</summary>
        private async Task PublishFoundAsync(CancellationToken cancellationToken)
        {
            Appended += Parser.Parse(final: false);
            await PublishAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Disposes the chunks' enumerator once its last read has ended (the request's end, or its cancellation).</summary>
        private static async Task DisposeWhenReadAsync(IAsyncEnumerator<ReadOnlyMemory<byte>> chunks, Task<bool> reading)
        {
#pragma warning disable CA1031 // The stream has ended with its own error already; this read's outcome no longer matters.
            try
            {
                await reading.ConfigureAwait(false);
            }
            catch (Exception)
            {
            }
            try
            {
                await chunks.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
            }
#pragma warning restore CA1031
        }

        /// <summary>Stores the records found since the last batch (durable first), then makes them the version's and announces them.</summary>
        private async Task PublishAsync(CancellationToken cancellationToken)
        {
            growing.Sync(); // the index may have grown
            if (Parser.RawCommitted == _stored)
            {
                return;
            }
            var grown = growing.Next(owner._clock.GetUtcNow());
            await owner._storage.AppendAsync(table.Id, grown.Version, grown.Content(), _stored, cancellationToken).ConfigureAwait(false);
            _stored = grown.Content().SizeBytes;
            if (growing.Publish(grown))
            {
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
