using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Tables.Memory;
using TsvLive.Tables.Storage;

namespace TsvLive.Tables.Registry;

/// <summary>
/// Every table, by id: the ones in memory (<see cref="TableMemory"/>), and, behind them, the ones in
/// <see cref="ITableStorage"/>, read back into memory the first time they are asked for (once,
/// however many ask at the same moment). With several instances, a table another instance replaced
/// is read again before this one serves it (<see cref="TableCatchUp"/>).
/// </summary>
internal sealed class TableStore(
    TableMemory memory, StoredTableReader reader, TableCatchUp catchUp, RowsCatchUp rowsCatchUp, ITableStorage storage, IOptions<TsvLiveOptions> options)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<Table?>>> _loading = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _storedWhileLoading = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Id, int Version), Lazy<Task<TableVersion?>>> _loadingOlder = new();

    /// <summary>The tables in memory.</summary>
    public int Count => memory.Count;

    /// <summary>The tables in memory now.</summary>
    public IReadOnlyCollection<Table> InMemory => memory.Tables;

    /// <summary>The table, read back from storage when it is not in memory; null when there is none.</summary>
    /// <exception cref="StorageUnavailableException">It is not in memory and the storage cannot be reached.</exception>
    public async ValueTask<Table?> FindAsync(string? id, CancellationToken cancellationToken)
    {
        if (!TableSecrets.LooksLikeId(id))
        {
            return null;
        }
        if (memory.Find(id!) is not { } table)
        {
            // Read back from storage once, however many ask at the same moment.
            var loading = _loading.GetOrAdd(id!, key => new Lazy<Task<Table?>>(() => LoadAsync(key)));
            try
            {
                table = await loading.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _loading.TryRemove(new KeyValuePair<string, Lazy<Task<Table?>>>(id!, loading));
            }
            if (table is null)
            {
                return null;
            }
        }
        if (table.IsBehind)
        {
            await catchUp.CatchUpAsync(table, cancellationToken).ConfigureAwait(false);
        }
        if (table.IsShort)
        {
            await rowsCatchUp.CatchUpAsync(table, cancellationToken).ConfigureAwait(false);
        }
        Viewed(table);
        return table;
    }

    public async ValueTask<Table> GetAsync(string? id, CancellationToken cancellationToken) =>
        await FindAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new TableNotFoundException(TableSecrets.LooksLikeId(id) ? id : null);

    /// <summary>
    /// The table's version <paramref name="version"/> (null: the current one): the current one, or a
    /// kept older one, read back from storage into memory while it is read (once, however many ask).
    /// </summary>
    /// <exception cref="VersionNotFoundException">The table does not keep that version.</exception>
    public async ValueTask<TableVersion> VersionAsync(Table table, int? version, CancellationToken cancellationToken)
    {
        var current = table.Current;
        if (version is null || version == current.Version)
        {
            return current;
        }
        if (memory.FindOlder(table, version.Value) is { } held)
        {
            return held;
        }
        if (storage.KeepsTables && table.Older.Any(v => v.Version == version))
        {
            var loading = _loadingOlder.GetOrAdd((table.Id, version.Value), key => new Lazy<Task<TableVersion?>>(() => LoadOlderAsync(table, key.Version)));
            try
            {
                if (await loading.Value.WaitAsync(cancellationToken).ConfigureAwait(false) is { } read)
                {
                    return read;
                }
            }
            finally
            {
                _loadingOlder.TryRemove(new KeyValuePair<(string, int), Lazy<Task<TableVersion?>>>((table.Id, version.Value), loading));
            }
        }
        throw new VersionNotFoundException(table.Id, version.Value, [.. table.Versions.Select(v => v.Version)]);
    }

    /// <summary>An older version read back from storage and held while it is read; null when storage no longer keeps it.</summary>
    private async Task<TableVersion?> LoadOlderAsync(Table table, int version)
    {
        // Shared by every asker, so no one asker's token stops it.
        if (await reader.ReadVersionAsync(table.Id, version, CancellationToken.None).ConfigureAwait(false) is not var (stored, content))
        {
            return null;
        }
        using var reservation = memory.Reserve(stored.ChargedTo);
        reservation.Resize(content.HeldBytes);
        return memory.HoldOlder(table, new TableVersion(stored.Version, stored.Name, stored.UpdatedAt, content, stored.ChargedTo), reservation);
    }

    /// <summary>
    /// Another instance stored <paramref name="version"/> of the table (0: deleted it). A copy held
    /// here is read again at once, so its watchers' next pages are of the new version; a deleted
    /// table leaves memory.
    /// </summary>
    public void VersionStored(string id, int version)
    {
        if (version == 0)
        {
            // Deleted: what still runs on it here stops; a replacement running here is refused by the store.
            if (memory.Find(id) is { } deleted)
            {
                deleted.MarkDeleted();
                if (!deleted.IsChanging)
                {
                    memory.Drop(deleted);
                }
            }
            return;
        }
        if (_loading.ContainsKey(id))
        {
            // Being read right now, perhaps the version before this one: the reader checks this after it is in.
            _storedWhileLoading.AddOrUpdate(id, version, (_, known) => Math.Max(known, version));
        }
        if (memory.Find(id) is { } table && table.NoteStoredVersion(version) && table.IsBehind)
        {
            // An append stream open here appends to the version replaced: it ends (table-replaced), as it would here.
            _ = table.StopAppendingAsync(CancellationToken.None);
            catchUp.InBackground(table);
        }
    }

    /// <summary>
    /// Another instance appended rows to version <paramref name="version"/> of the table, which is now
    /// <paramref name="size"/> bytes: a copy held here reads them at once (only the bytes it lacks).
    /// </summary>
    public void RowsStored(string id, int version, long size)
    {
        if (memory.Find(id) is { } table && table.NoteStoredSize(version, size) && table.IsShort)
        {
            rowsCatchUp.InBackground(table);
        }
    }

    /// <summary>A look at the table: for eviction in memory, and (a few times per expiry period at most) in storage, for expiry.</summary>
    private void Viewed(Table table)
    {
        table.Touch();
        if (options.Value.ExpireAfter is { } unused && table.IsViewNoteDue(TimeSpan.FromTicks(Math.Min(unused.Ticks / 4, TimeSpan.FromMinutes(1).Ticks))))
        {
            storage.Viewed(table.Id);
        }
    }

    /// <summary>A stored table, indexed again from its bytes and held in memory.</summary>
    private async Task<Table?> LoadAsync(string id)
    {
        // Shared by every asker, so no one asker's token stops it.
        if (await reader.ReadAsync(id, newerThan: 0, CancellationToken.None).ConfigureAwait(false) is not var (stored, content))
        {
            return null;
        }
        using var reservation = memory.Reserve(stored.ChargedTo);
        reservation.Resize(content.HeldBytes);
        var held = memory.HoldStored(new Table(stored.Id, Convert.FromBase64String(stored.EditKeyHash), stored.CreatedAt,
            new TableVersion(stored.Version, stored.Name, stored.UpdatedAt, content, stored.ChargedTo), stored.OlderSummaries), reservation);
        if (_storedWhileLoading.TryRemove(id, out var newer))
        {
            held.NoteStoredVersion(newer);
        }
        return held;
    }
}
