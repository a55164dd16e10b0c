using System.Diagnostics;
using TsvLive.Tables.Changes;
using TsvLive.Tables.Memory;
using TsvLive.Tables.Registry;
using TsvLive.Tables.Storage;

namespace TsvLive.Tables.Uploads;

/// <summary>
/// Deletes a table for its owner (contract v3, "Deleting a table"): what still runs on it (its first
/// upload, a replacement) stops with <see cref="Errors.TableDeletedException"/>; then every version
/// leaves memory and storage (the data directory's folder, or every chunk in Redis), and the people
/// watching it are told, on every instance.
/// </summary>
internal sealed partial class TableDeletion(
    TableStore store, TableMemory memory, ChangesCache changes, ITableStorage storage, ITableEvents events, ILogger<TableDeletion> logger)
{
    /// <summary>How long a deletion waits for an upload or replacement of the table to stop.</summary>
    private static readonly TimeSpan s_stopping = TimeSpan.FromSeconds(10);

    public async Task DeleteAsync(string? id, string? editKey, CancellationToken cancellationToken)
    {
        var table = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        table.RequireEditKey(editKey);
        table.MarkDeleted();
        // What runs on the table sees its token cancelled and lets go: a replacement its place, a first
        // upload the table itself (it abandons it). Storage is deleted only after, so nothing writes it again.
        var waited = Stopwatch.StartNew();
        while ((table.IsChanging || !table.Current.Content().Complete && memory.Find(table.Id) == table) && waited.Elapsed < s_stopping)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        if (table.Current.Content().Complete)
        {
            memory.Drop(table);
        }
        changes.Forget(table.Id);
        await storage.DeleteAsync(table.Id, CancellationToken.None).ConfigureAwait(false);
        events.TableDeleted(table.Id);
        LogDeleted(table.Id, table.Current.Version);
    }

    [LoggerMessage(LogLevel.Information, "Deleted table {TableId} (current version {Version}) for its owner")]
    private partial void LogDeleted(string tableId, int version);
}
