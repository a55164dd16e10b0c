using System.Diagnostics;
using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Operations;
using TsvLive.Tables.Ingest;
using TsvLive.Tables.Memory;
using TsvLive.Tables.Registry;
using TsvLive.Tables.Storage;
using TsvLive.Tables.Text;

namespace TsvLive.Tables.Uploads;

/// <summary>
/// Creates and replaces tables from uploaded bytes, for the HTTP API and the hub alike. A new table
/// can be paged from its first chunk on; a replacement is published whole when it is complete. A
/// failed or cancelled upload changes nothing and leaves nothing behind.
/// </summary>
internal sealed partial class UploadService(
    TableStore store,
    TableMemory memory,
    ITableEvents events,
    UploadGate gate,
    IOptions<TsvLiveOptions> options,
    TimeProvider clock,
    UploadDrain drain,
    ITableStorage storage,
    TsvLiveMetrics metrics,
    ILogger<UploadService> logger)
{
    /// <summary>How often a new table's "arriving" mark is renewed while it arrives (it lasts a minute).</summary>
    private static readonly TimeSpan s_arrivingRenewal = TimeSpan.FromSeconds(10);

    /// <param name="uploader">Who uploads; its hub connection (if any) hears progress.</param>
    /// <returns>The new table, its first version and the edit key (which only the uploader ever gets).</returns>
    /// <param name="separator">The separator to read with; null: detected.</param>
    public async Task<(Table Table, TableVersion Version, string EditKey)> CreateAsync(
        IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, string? name, Separator? separator, Uploader uploader, CancellationToken cancellationToken)
    {
        ThrowIfStorageUnavailable();
        using var place = gate.Enter(uploader, newTable: true);
        var started = Stopwatch.GetTimestamp();
        var tableName = TableNames.Clean(name, options.Value.MaxNameLength);
        var editKey = TableSecrets.NewEditKey();
        Table? table = null;
        using var reservation = memory.Reserve(uploader.AddressKey);
        var draft = storage.Draft();
        await using var _ = draft.ConfigureAwait(false);
        // Cancelled too when the table is deleted while it arrives.
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stopWhenDeleted = default(CancellationTokenRegistration);
        try
        {
            // The table exists from its first bytes, so the uploader learns the id (first progress) at once.
            var content = await ReceiveAsync(chunks, separator, uploader, isNew: true, reservation, draft, ingest =>
            {
                var now = clock.GetUtcNow();
                table = new Table(TableSecrets.NewId(), TableSecrets.HashEditKey(editKey), now,
                    new TableVersion(1, tableName, now, ingest, uploader.AddressKey));
                stopWhenDeleted = table.Deleted.Register(running.Cancel);
                memory.HoldArriving(table);
                storage.Arriving(table.Id, arriving: true);
                return table.Id;
            }, running.Token).ConfigureAwait(false);
            var finished = table!;
            var finishedAt = clock.GetUtcNow();
            // A new table's id is new everywhere, so its first stored version is 1.
            await StoreAsync(finished, 1, tableName, finishedAt, content, draft, uploader.AddressKey, running.Token).ConfigureAwait(false);
            var version = memory.Finish(finished, content, finishedAt, reservation);
            events.UploadProgress(finished.Id, content.SizeBytes, content.RowCount, uploader.ConnectionId);
            metrics.UploadCompleted(content.SizeBytes, Stopwatch.GetElapsedTime(started));
            LogStored(finished.Id, version.Version, content.SizeBytes, content.RowCount, content.Separator.ToWire(), content.Dialect.ToWire(), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return (finished, version, editKey);
        }
        catch (Exception e) when (table is not null)
        {
            memory.Abandon(table);
            storage.Arriving(table.Id, arriving: false);
            if (table.IsDeleted && e is not TableDeletedException)
            {
                throw new TableDeletedException();
            }
            throw;
        }
        finally
        {
            stopWhenDeleted.Dispose();
        }
    }

    /// <returns>The table and the version stored (current unless another instance's newer one is).</returns>
    public async Task<(Table Table, TableVersion Version)> ReplaceAsync(
        string? id, string? editKey, IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, string? name, Separator? separator, Uploader uploader,
        CancellationToken cancellationToken)
    {
        var table = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        table.RequireEditKey(editKey);
        return await ReplaceAsync(table, chunks, name, separator, uploader, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the current version's bytes again with <paramref name="separator"/> (an API word) and
    /// publishes the result as the next version, like any replacement (stored, announced, one at a time).
    /// </summary>
    public async Task<(Table Table, TableVersion Version)> RereadAsync(
        string? id, string? editKey, string? separator, Uploader uploader, CancellationToken cancellationToken)
    {
        var table = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        table.RequireEditKey(editKey);
        var readWith = SeparatorNames.FromRequest(separator)
            ?? throw new InvalidChoiceException("separator", separator, "tab, comma, semicolon or pipe (?separator=comma)");
        var bytes = table.Current.Content().Raw;
        return await ReplaceAsync(table, bytes.Segments(bytes.Length).ToAsyncEnumerable(), name: null, readWith, uploader, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(Table Table, TableVersion Version)> ReplaceAsync(
        Table table, IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, string? name, Separator? separator, Uploader uploader, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        ThrowIfStorageUnavailable();
        if (table.IsDeleted)
        {
            throw new TableDeletedException();
        }
        if (!table.Current.Content().Complete)
        {
            throw TableArrivingException.ForTheFile();
        }
        using var replacing = table.BeginReplacement();
        using var place = gate.Enter(uploader, newTable: false);
        // An open append stream ends here (table-replaced): its rows belong to the version being replaced.
        await table.StopAppendingAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ReplaceWhileHoldingAsync(table, chunks, name, separator, uploader, started, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (table.IsDeleted && e is not TableDeletedException)
        {
            throw new TableDeletedException();
        }
    }

    /// <summary>A replacement that holds the table's replacement place: it stops when the table is deleted.</summary>
    private async Task<(Table Table, TableVersion Version)> ReplaceWhileHoldingAsync(
        Table table, IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, string? name, Separator? separator, Uploader uploader, long started,
        CancellationToken requestAborted)
    {
        using var running = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, table.Deleted);
        var cancellationToken = running.Token;
        // The owner is never starved: the replacement may use the room of the version it replaces.
        using var reservation = memory.Reserve(uploader.AddressKey, credit: table.Current.Content().HeldBytes);
        var draft = storage.Draft();
        await using var _ = draft.ConfigureAwait(false);
        TableContent content;
        try
        {
            content = await ReceiveAsync(chunks, separator, uploader, isNew: false, reservation, draft, _ => table.Id, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Watchers may have seen "a new version is arriving": tell them it will not.
            events.ReplacementAbandoned(table.Id);
            throw;
        }
        var tableName = name is null ? table.Current.Name : TableNames.Clean(name, options.Value.MaxNameLength);
        var replacedAt = clock.GetUtcNow();
        SavedVersion stored;
        try
        {
            // One replacement at a time per instance; a store shared with other instances may give a later version.
            stored = await StoreAsync(table, table.NewestKnown + 1, tableName, replacedAt, content, draft, uploader.AddressKey, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            events.ReplacementAbandoned(table.Id);
            throw;
        }
        var version = new TableVersion(stored.Version, tableName, replacedAt, content, uploader.AddressKey);
        var published = memory.Publish(table, version, reservation, storage.KeepsTables ? [.. stored.Older.Select(v => v.Summary)] : null);
        if (table.IsDeleted)
        {
            throw new TableDeletedException(); // deleted as it was stored: the deletion removes what was stored
        }
        if (published)
        {
            // (Not published: another instance's newer version is current already, and was announced.)
            events.TableReplaced(table, version);
        }
        metrics.UploadCompleted(content.SizeBytes, Stopwatch.GetElapsedTime(started));
        LogStored(table.Id, version.Version, content.SizeBytes, content.RowCount, content.Separator.ToWire(), content.Dialect.ToWire(), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return (table, version);
    }

    /// <summary>
    /// The one receive loop of creating and replacing: takes the chunks into a new ingest, holding
    /// their memory in <paramref name="reservation"/> and storing them through <paramref name="draft"/>
    /// as they come, and tells the uploader and the watchers how far it got. On failure it logs why (the caller's reservation gives the memory back); on success the
    /// reservation holds exactly what the returned content holds.
    /// </summary>
    /// <param name="isNew">Whether this creates a table (rather than replacing one).</param>
    /// <param name="tableIdAtFirstBytes">Called once the first bytes are in; gives the id progress is reported for.</param>
    private async Task<TableContent> ReceiveAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, Separator? separator, Uploader uploader, bool isNew,
        MemoryReservation reservation, IVersionDraft draft, Func<TableIngest, string> tableIdAtFirstBytes, CancellationToken cancellationToken)
    {
        using var running = drain.Track();
        var ingest = new TableIngest(options.Value, separator);
        await using var _ = ingest.ConfigureAwait(false);
        string? tableId = null;
        var arrivingNoted = Stopwatch.GetTimestamp();
        // A new table reports its first chunk at once (its id must reach the uploader); a replacement
        // waits one interval, so a small one costs its watchers one message, TableReplaced.
        using var progress = new Throttle<(string Id, long Bytes, long Rows)>(options.Value.NotificationInterval, clock,
            p => events.UploadProgress(p.Id, p.Bytes, p.Rows, uploader.ConnectionId), leading: isNew);
        try
        {
            await foreach (var chunk in Receive(chunks, cancellationToken).ConfigureAwait(false))
            {
                ingest.Append(chunk.Span);
                reservation.Resize(ingest.HeldBytes);
                draft.Grew(ingest.Raw);
                if (ingest.BytesReceived > 0)
                {
                    tableId ??= tableIdAtFirstBytes(ingest);
                    progress.Report((tableId, ingest.BytesReceived, ingest.Latest.RowCount));
                    if (isNew && Stopwatch.GetElapsedTime(arrivingNoted) > s_arrivingRenewal)
                    {
                        storage.Arriving(tableId, arriving: true);
                        arrivingNoted = Stopwatch.GetTimestamp();
                    }
                }
            }
            var content = await ingest.CompleteAsync(cancellationToken).ConfigureAwait(false);
            reservation.Resize(content.HeldBytes);
            return content;
        }
        catch (Exception e)
        {
            LogFailed(tableId, ingest.BytesReceived, Reason(e));
            throw;
        }
    }

    /// <summary>
    /// Stores a finished version before it is published. When storing fails, the upload fails with a
    /// clear error (its reservation gives the memory back); what was stored and published before stays.
    /// </summary>
    private async Task<SavedVersion> StoreAsync(Table table, int version, string name, DateTimeOffset at, TableContent content, IVersionDraft draft, string chargedTo,
        CancellationToken cancellationToken)
    {
        try
        {
            return await storage.SaveAsync(new StoredTable(table.Id, Convert.ToBase64String(table.EditKeyHash), table.CreatedAt, version, name, at, chargedTo,
                content.Separator.ToWire()),
                content, draft, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogNotStored(e, table.Id, version);
            if (e is IOException or UnauthorizedAccessException)
            {
                throw new StorageFailedException();
            }
            throw;
        }
    }

    /// <summary>Refuses an upload at once while nothing could be stored (the shared store is unreachable).</summary>
    private void ThrowIfStorageUnavailable()
    {
        if (!storage.IsAvailable)
        {
            throw new StorageUnavailableException();
        }
    }

    private IAsyncEnumerable<ReadOnlyMemory<byte>> Receive(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, CancellationToken cancellationToken) =>
        chunks.WithTimeouts(options.Value.UploadIdleTimeout,
            (long)(options.Value.UploadIdleTimeout.TotalSeconds * options.Value.MinUploadBytesPerSecond), drain.Stopping, cancellationToken);

    private static string Reason(Exception e) => e switch
    {
        TsvLiveException known => known.Title,
        OperationCanceledException => "cancelled",
        _ => e.GetType().Name,
    };

    [LoggerMessage(LogLevel.Information, "Stored table {TableId} version {Version}: {Bytes} bytes, {Rows} rows, {Separator} separator, {Dialect} dialect, in {ElapsedMs:0} ms")]
    private partial void LogStored(string tableId, int version, long bytes, long rows, string separator, string dialect, double elapsedMs);

    [LoggerMessage(LogLevel.Error, "Table {TableId} version {Version} could not be stored; it was not kept")]
    private partial void LogNotStored(Exception exception, string tableId, int version);

    [LoggerMessage(LogLevel.Information, "Upload for table {TableId} ended without a new version after {Bytes} bytes: {Reason}")]
    private partial void LogFailed(string? tableId, long bytes, string reason);
}
