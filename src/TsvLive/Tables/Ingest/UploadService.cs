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
    IHostApplicationLifetime lifetime,
    ILogger<UploadService> logger)
{
    /// <param name="uploader">Who uploads; its hub connection (if any) hears progress.</param>
    public async Task<TableCreated> CreateAsync(
        IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, string? name, TableLinks links, Uploader uploader, CancellationToken cancellationToken)
    {
        using var place = gate.Enter(uploader);
        var uploaderConnectionId = uploader.ConnectionId;
        var started = Stopwatch.GetTimestamp();
        var tableName = TableNames.Clean(name, options.Value.MaxNameLength);
        var editKey = TableSecrets.NewEditKey();
        var ingest = NewIngest();
        await using var _ = ingest.ConfigureAwait(false);
        Table? table = null;
        long reserved = 0;
        try
        {
            var progress = new Throttle(options.Value.NotificationInterval, clock);
            await foreach (var chunk in Receive(chunks, cancellationToken).ConfigureAwait(false))
            {
                budget.Reserve(chunk.Length);
                reserved += chunk.Length;
                ingest.Append(chunk.Span);
                if (table is null && ingest.BytesReceived > 0)
                {
                    // The table exists from its first bytes, so the uploader learns the id at once.
                    var now = clock.GetUtcNow();
                    table = new Table(TableSecrets.NewId(), TableSecrets.HashEditKey(editKey), now,
                        new TableVersion(1, tableName, now, () => ingest.Latest));
                    store.Add(table);
                }
                if (table is not null && progress.IsDue())
                {
                    events.UploadProgress(table.Id, ingest.BytesReceived, ingest.Latest.RowCount, uploaderConnectionId);
                }
            }
            var content = await ingest.CompleteAsync(cancellationToken).ConfigureAwait(false);
            var version = table!.Finish(content, clock.GetUtcNow());
            events.UploadProgress(table.Id, content.SizeBytes, content.RowCount, uploaderConnectionId);
            LogStored(table.Id, version.Version, content.SizeBytes, content.RowCount, content.Dialect.ToWire(), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return TableCreated.Of(TableInfo.Of(table, version, content), links, editKey);
        }
        catch (Exception e)
        {
            if (table is not null)
            {
                store.Remove(table);
            }
            budget.Release(reserved);
            LogFailed(table?.Id, ingest.BytesReceived, Reason(e));
            throw;
        }
    }

    public async Task<TableInfo> ReplaceAsync(
        string? id, string? editKey, IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, string? name, Uploader uploader, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var table = store.Get(id);
        if (string.IsNullOrEmpty(editKey) || !TableSecrets.EditKeyMatches(editKey, table.EditKeyHash))
        {
            throw new EditKeyRejectedException(missing: string.IsNullOrEmpty(editKey));
        }
        if (!table.Current.Content().Complete)
        {
            throw new TableBusyException();
        }
        using var place = gate.Enter(uploader);
        var uploaderConnectionId = uploader.ConnectionId;
        var ingest = NewIngest();
        await using var _ = ingest.ConfigureAwait(false);
        long reserved = 0;
        try
        {
            // No progress at the first chunk (unlike a new table, whose id must reach the uploader):
            // a small replacement then costs its watchers one message, TableReplaced.
            var progress = new Throttle(options.Value.NotificationInterval, clock).StartingNow();
            await foreach (var chunk in Receive(chunks, cancellationToken).ConfigureAwait(false))
            {
                budget.Reserve(chunk.Length);
                reserved += chunk.Length;
                ingest.Append(chunk.Span);
                if (progress.IsDue())
                {
                    events.UploadProgress(table.Id, ingest.BytesReceived, ingest.Latest.RowCount, uploaderConnectionId);
                }
            }
            var content = await ingest.CompleteAsync(cancellationToken).ConfigureAwait(false);
            var tableName = name is null ? table.Current.Name : TableNames.Clean(name, options.Value.MaxNameLength);
            var (previous, version) = table.Replace(content, tableName, clock.GetUtcNow());
            budget.Release(previous.Content().SizeBytes);
            var info = TableInfo.Of(table, version, content);
            events.TableReplaced(info);
            LogStored(table.Id, version.Version, content.SizeBytes, content.RowCount, content.Dialect.ToWire(), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return info;
        }
        catch (Exception e)
        {
            budget.Release(reserved);
            LogFailed(table.Id, ingest.BytesReceived, Reason(e));
            throw;
        }
    }

    private IAsyncEnumerable<ReadOnlyMemory<byte>> Receive(IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, CancellationToken cancellationToken) =>
        chunks.WithTimeouts(options.Value.UploadIdleTimeout, lifetime.ApplicationStopping, cancellationToken);

    private TableIngest NewIngest() => new(options.Value.MaxUploadBytes, options.Value.MaxRecordBytes, options.Value.MaxColumns);

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
