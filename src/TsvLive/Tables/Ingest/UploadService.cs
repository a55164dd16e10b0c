using System.Diagnostics;
using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Hubs;
using TsvLive.Tables.Storage;

namespace TsvLive.Tables.Ingest;

/// <summary>
/// Creates and replaces tables from uploaded bytes, for the HTTP API and the hub alike. A new table
/// can be paged from its first chunk on; a replacement is published whole when it is complete. A
/// failed or cancelled upload changes nothing and leaves nothing behind.
/// </summary>
internal sealed partial class UploadService(
    TableStore store,
    TableEvents events,
    UploadGate gate,
    MemoryBudget budget,
    IOptions<TsvLiveOptions> options,
    TimeProvider clock,
    UploadDrain drain,
    ILogger<UploadService> logger)
{
    /// <param name="uploader">Who uploads; its hub connection (if any) hears progress.</param>
    public async Task<TableCreated> CreateAsync(
        IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, string? name, TableLinks links, Uploader uploader, CancellationToken cancellationToken)
    {
        using var place = gate.Enter(uploader, newTable: true);
        var started = Stopwatch.GetTimestamp();
        var tableName = TableNames.Clean(name, options.Value.MaxNameLength);
        var editKey = TableSecrets.NewEditKey();
        Table? table = null;
        try
        {
            // The table exists from its first bytes, so the uploader learns the id (first progress) at once.
            var content = await ReceiveAsync(chunks, uploader, isNew: true, credit: 0, ingest =>
            {
                var now = clock.GetUtcNow();
                table = new Table(TableSecrets.NewId(), TableSecrets.HashEditKey(editKey), now,
                    new TableVersion(1, tableName, now, ingest, uploader.AddressKey));
                store.Add(table);
                return table.Id;
            }, cancellationToken).ConfigureAwait(false);
            var version = table!.Finish(content, clock.GetUtcNow());
            events.UploadProgress(table.Id, content.SizeBytes, content.RowCount, uploader.ConnectionId);
            LogStored(table.Id, version.Version, content.SizeBytes, content.RowCount, content.Dialect.ToWire(), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return TableCreated.Of(TableInfo.Of(table, version, content), links, editKey);
        }
        catch when (table is not null)
        {
            store.Remove(table);
            throw;
        }
    }

    public async Task<TableInfo> ReplaceAsync(
        string? id, string? editKey, IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, string? name, Uploader uploader, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var table = store.Get(id);
        table.RequireEditKey(editKey);
        if (!table.Current.Content().Complete)
        {
            throw new TableBusyException();
        }
        using var replacing = table.BeginReplacement();
        using var place = gate.Enter(uploader, newTable: false);
        TableContent content;
        try
        {
            // The owner is never starved: the replacement may use the room of the version it replaces.
            var credit = table.Current.Content().HeldBytes;
            content = await ReceiveAsync(chunks, uploader, isNew: false, credit, _ => table.Id, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Watchers may have seen "a new version is arriving": tell them it will not.
            events.ReplacementAbandoned(table.Id);
            throw;
        }
        var tableName = name is null ? table.Current.Name : TableNames.Clean(name, options.Value.MaxNameLength);
        var (previous, version) = table.Replace(content, tableName, clock.GetUtcNow(), uploader.AddressKey);
        budget.Release(previous.Content().HeldBytes, previous.ChargedTo);
        var info = TableInfo.Of(table, version, content);
        events.TableReplaced(info);
        LogStored(table.Id, version.Version, content.SizeBytes, content.RowCount, content.Dialect.ToWire(), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return info;
    }

    /// <summary>
    /// The one receive loop of creating and replacing: takes the chunks into a new ingest, holding
    /// their memory in the budget, and tells the uploader and the watchers how far it got. On failure
    /// it gives the memory back and logs why; on success the memory stays with the returned content.
    /// </summary>
    /// <param name="isNew">Whether this creates a table (rather than replacing one).</param>
    /// <param name="credit">Memory the upload may count as free (a replacement: what the version it replaces holds).</param>
    /// <param name="tableIdAtFirstBytes">Called once the first bytes are in; gives the id progress is reported for.</param>
    private async Task<TableContent> ReceiveAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, Uploader uploader, bool isNew, long credit,
        Func<TableIngest, string> tableIdAtFirstBytes, CancellationToken cancellationToken)
    {
        using var running = drain.Track();
        var ingest = NewIngest();
        await using var _ = ingest.ConfigureAwait(false);
        string? tableId = null;
        long reserved = 0;
        // A new table reports its first chunk at once (its id must reach the uploader); a replacement
        // waits one interval, so a small one costs its watchers one message, TableReplaced.
        using var progress = new Throttle<(string Id, long Bytes, long Rows)>(options.Value.NotificationInterval, clock,
            p => events.UploadProgress(p.Id, p.Bytes, p.Rows, uploader.ConnectionId), leading: isNew);
        try
        {
            await foreach (var chunk in Receive(chunks, cancellationToken).ConfigureAwait(false))
            {
                ingest.Append(chunk.Span);
                var held = ingest.HeldBytes;
                budget.Reserve(held - reserved, uploader.AddressKey, credit);
                reserved = held;
                if (ingest.BytesReceived > 0)
                {
                    tableId ??= tableIdAtFirstBytes(ingest);
                    progress.Report((tableId, ingest.BytesReceived, ingest.Latest.RowCount));
                }
            }
            var content = await ingest.CompleteAsync(cancellationToken).ConfigureAwait(false);
            budget.Reserve(content.HeldBytes - reserved, uploader.AddressKey, credit);
            return content;
        }
        catch (Exception e)
        {
            budget.Release(reserved, uploader.AddressKey);
            LogFailed(tableId, ingest.BytesReceived, Reason(e));
            throw;
        }
    }

    private IAsyncEnumerable<ReadOnlyMemory<byte>> Receive(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, CancellationToken cancellationToken) =>
        chunks.WithTimeouts(options.Value.UploadIdleTimeout,
            (long)(options.Value.UploadIdleTimeout.TotalSeconds * options.Value.MinUploadBytesPerSecond), drain.Stopping, cancellationToken);

    private TableIngest NewIngest() => new(options.Value);

    private static string Reason(Exception e) => e switch
    {
        TsvLiveException known => known.Title,
        OperationCanceledException => "cancelled",
        _ => e.GetType().Name,
    };

    [LoggerMessage(LogLevel.Information, "Stored table {TableId} version {Version}: {Bytes} bytes, {Rows} rows, {Dialect} dialect, in {ElapsedMs:0} ms")]
    private partial void LogStored(string tableId, int version, long bytes, long rows, string dialect, double elapsedMs);

    [LoggerMessage(LogLevel.Information, "Upload for table {TableId} ended without a new version after {Bytes} bytes: {Reason}")]
    private partial void LogFailed(string? tableId, long bytes, string reason);
}
