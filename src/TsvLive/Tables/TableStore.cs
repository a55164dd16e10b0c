using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Operations;
using TsvLive.Tables.Ingest;
using TsvLive.Tables.Storage;
using TsvLive.Tables.Views;

namespace TsvLive.Tables;

/// <summary>
/// Every table, by id: the ones in memory (the serving copy), and, behind them, the ones in
/// <see cref="ITableStorage"/>, read back into memory the first time they are asked for. Nothing is
/// read at start, so a server with many stored tables is ready at once. With several instances, a
/// table another instance replaced is read again before this one serves it (<see cref="VersionStored"/>).
/// </summary>
internal sealed partial class TableStore
{
    /// <summary>A stored table passed the limits when it was uploaded; lowering them later must not lose it.</summary>
    private static readonly TsvLiveOptions s_storedLimits = new()
    {
        MaxUploadBytes = long.MaxValue,
        MaxRecordBytes = int.MaxValue,
        MaxColumns = 1_000_000,
        MaxHeaderBytes = int.MaxValue,
    };

    /// <summary>How often a read is tried again when another instance replaced the version being read.</summary>
    private const int ReadAttempts = 3;

    private readonly ConcurrentDictionary<string, Table> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Table?>>> _loading = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task>> _catchingUp = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _storedWhileLoading = new(StringComparer.Ordinal);
    private readonly ITableStorage _storage;
    private readonly MemoryBudget _budget;
    private readonly ILogger<TableStore> _logger;

    private readonly TsvLiveMetrics _metrics;
    private readonly TimeSpan? _expireAfter;

    private readonly ViewCache _views;

    public TableStore(ITableStorage storage, MemoryBudget budget, ViewCache views, TsvLiveMetrics metrics, IOptions<TsvLiveOptions> options, ILogger<TableStore> logger)
    {
        _views = views;
        _expireAfter = options.Value.ExpireAfter;
        _storage = storage;
        _budget = budget;
        _metrics = metrics;
        _logger = logger;
        metrics.Observe("tsvlive.tables.in_memory", "{table}", "Tables held in memory", () => _tables.Count);
        metrics.Observe("tsvlive.bytes.in_memory", "By", "Memory the tables hold, as the budget counts it", () => budget.Held);
        if (storage is not MemoryOnlyStorage)
        {
            // Stored tables can leave memory when room is needed: they come back on demand.
            budget.UseEvictor(Evict);
        }
    }

    /// <summary>The tables in memory.</summary>
    public int Count => _tables.Count;

    /// <summary>The tables in memory now.</summary>
    public IReadOnlyCollection<Table> InMemory => [.. _tables.Values];

    /// <summary>The table, read back from storage when it is not in memory; null when there is none.</summary>
    /// <exception cref="StorageUnavailableException">It is not in memory and the storage cannot be reached.</exception>
    public async ValueTask<Table?> FindAsync(string? id, CancellationToken cancellationToken)
    {
        if (!TableSecrets.LooksLikeId(id))
        {
            return null;
        }
        if (!_tables.TryGetValue(id!, out var table))
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
            await CatchUpAsync(table, cancellationToken).ConfigureAwait(false);
        }
        Viewed(table);
        return table;
    }

    public async ValueTask<Table> GetAsync(string? id, CancellationToken cancellationToken) =>
        await FindAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new TableNotFoundException(id ?? "");

    public void Add(Table table)
    {
        if (!_tables.TryAdd(table.Id, table))
        {
            throw new InvalidOperationException("Table id collision: the random source is broken.");
        }
    }

    public void Remove(Table table) => _tables.TryRemove(new KeyValuePair<string, Table>(table.Id, table));

    /// <summary>
    /// Another instance stored <paramref name="version"/> of the table (0: deleted it). A copy held
    /// here is read again at once, so its watchers' next pages are of the new version; a deleted
    /// table leaves memory.
    /// </summary>
    public void VersionStored(string id, int version)
    {
        if (version == 0)
        {
            if (_tables.TryGetValue(id, out var deleted) && !deleted.IsReplacing)
            {
                Drop(deleted);
            }
            return;
        }
        if (_loading.ContainsKey(id))
        {
            // Being read right now, perhaps the version before this one: the reader checks this after it is in.
            _storedWhileLoading.AddOrUpdate(id, version, (_, known) => Math.Max(known, version));
        }
        if (_tables.TryGetValue(id, out var table) && table.NoteStoredVersion(version) && table.IsBehind)
        {
            _ = CatchUpQuietlyAsync(table);
        }
    }

    /// <summary>Reads the newest stored version of a table held here; whether it moved on.</summary>
    public async Task<bool> CatchUpAsync(Table table, CancellationToken cancellationToken)
    {
        var before = table.Current.Version;
        var reading = _catchingUp.GetOrAdd(table.Id, _ => new Lazy<Task>(() => ReadNewestAsync(table)));
        try
        {
            await reading.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Serving the version held beats failing: the next read tries again.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogNotCaughtUp(table.Id, table.NewestKnown, e.Message);
        }
        finally
        {
            _catchingUp.TryRemove(new KeyValuePair<string, Lazy<Task>>(table.Id, reading));
        }
        return table.Current.Version > before;
    }

    /// <summary>
    /// Deletes the tables not viewed for <paramref name="unused"/> (an expiry sweep): from memory and from
    /// storage. Tables being uploaded or replaced stay. Returns the ids deleted.
    /// </summary>
    public async Task<IReadOnlyList<string>> DeleteNotViewedForAsync(TimeSpan unused, CancellationToken cancellationToken)
    {
        var deleted = new List<string>();
        var cutoffTicks = Environment.TickCount64 - (long)unused.TotalMilliseconds;
        var stored = await _storage.NotViewedSinceAsync(DateTimeOffset.UtcNow - unused, cancellationToken).ConfigureAwait(false);
        var inMemoryOnly = _storage is MemoryOnlyStorage
            ? _tables.Values.Where(t => t.LastUsed < cutoffTicks).Select(t => t.Id)
            : [];
        foreach (var id in stored.Concat(inMemoryOnly).Distinct())
        {
            if (_tables.TryGetValue(id, out var table))
            {
                if (table.IsReplacing || !table.Current.Content().Complete || table.LastUsed >= cutoffTicks || !_tables.TryRemove(new KeyValuePair<string, Table>(id, table)))
                {
                    continue;
                }
                _budget.Release(table.Current.Content().HeldBytes, table.Current.ChargedTo);
            }
            await _storage.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
            deleted.Add(id);
        }
        return deleted;
    }

    /// <summary>A look at the table: for eviction in memory, and (a few times per expiry period at most) in storage, for expiry.</summary>
    private void Viewed(Table table)
    {
        table.Touch();
        if (_expireAfter is { } unused && table.IsViewNoteDue(TimeSpan.FromTicks(Math.Min(unused.Ticks / 4, TimeSpan.FromMinutes(1).Ticks))))
        {
            _storage.Viewed(table.Id);
        }
    }

    /// <summary>
    /// Drops finished tables from memory, least recently used first, until <paramref name="bytes"/>
    /// are free (only <paramref name="owner"/>'s when given). Tables being uploaded or replaced stay.
    /// Returns the bytes freed.
    /// </summary>
    private long Evict(long bytes, string? owner)
    {
        long freed = 0;
        var candidates = _tables.Values
            .Where(t => !t.IsReplacing && t.Current is { } v && (owner is null || v.ChargedTo == owner) && v.Content().Complete)
            .OrderBy(t => t.LastUsed)
            .ToList();
        foreach (var table in candidates)
        {
            if (freed >= bytes)
            {
                break;
            }
            if (Drop(table) is { } held)
            {
                freed += held;
                _metrics.Evicted();
                LogEvicted(table.Id, held);
            }
        }
        return freed;
    }

    /// <summary>Takes a table out of memory and gives its memory back; the bytes freed, or null when it was gone already.</summary>
    private long? Drop(Table table)
    {
        if (!_tables.TryRemove(new KeyValuePair<string, Table>(table.Id, table)))
        {
            return null;
        }
        var version = table.Current;
        var held = version.Content().HeldBytes;
        _budget.Release(held, version.ChargedTo);
        _views.Forget(table.Id);
        return held;
    }

    [LoggerMessage(LogLevel.Information, "Evicted table {TableId} from memory ({Bytes} bytes); it is read back from storage when asked for")]
    private partial void LogEvicted(string tableId, long bytes);

    [LoggerMessage(LogLevel.Warning, "Table {TableId} version {Version} could not be read; the version held is served meanwhile: {Reason}")]
    private partial void LogNotCaughtUp(string tableId, int version, string reason);

    /// <summary>A stored table, indexed again from its bytes (the same path as an upload) and kept in memory.</summary>
    private async Task<Table?> LoadAsync(string id)
    {
        if (await ReadAsync(id).ConfigureAwait(false) is not var (stored, content))
        {
            return null;
        }
        _budget.Reserve(content.HeldBytes, stored.ChargedTo);
        var table = new Table(stored.Id, Convert.FromBase64String(stored.EditKeyHash), stored.CreatedAt,
            new TableVersion(stored.Version, stored.Name, stored.UpdatedAt, content, stored.ChargedTo));
        var held = _tables.GetOrAdd(id, table);
        if (held != table)
        {
            _budget.Release(content.HeldBytes, stored.ChargedTo);
        }
        if (_storedWhileLoading.TryRemove(id, out var newer))
        {
            held.NoteStoredVersion(newer);
        }
        return held;
    }

    /// <summary>Reads the stored current version of a table held here and publishes it, when it is newer.</summary>
    private async Task ReadNewestAsync(Table table)
    {
        if (await ReadAsync(table.Id, newerThan: table.Current.Version).ConfigureAwait(false) is not var (stored, content))
        {
            return;
        }
        _budget.Reserve(content.HeldBytes, stored.ChargedTo, credit: table.Current.Content().HeldBytes);
        var (dropped, _) = table.Publish(new TableVersion(stored.Version, stored.Name, stored.UpdatedAt, content, stored.ChargedTo));
        _budget.Release(dropped.Content().HeldBytes, dropped.ChargedTo);
    }

    /// <summary>
    /// The stored table and its current version indexed in memory; null when there is no such table or
    /// (with <paramref name="newerThan"/>) its version is not newer. Tried again when another instance
    /// replaced the version while it was read.
    /// </summary>
    private async Task<(StoredTable Table, TableContent Content)?> ReadAsync(string id, int newerThan = 0)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (!_storage.IsAvailable)
            {
                throw new StorageUnavailableException();
            }
            if (await _storage.OpenAsync(id, CancellationToken.None).ConfigureAwait(false) is not var (stored, bytes))
            {
                return null;
            }
            if (stored.Version <= newerThan)
            {
                return null;
            }
            try
            {
                return (stored, await IndexAsync(bytes).ConfigureAwait(false));
            }
            catch (StoredVersionGoneException) when (attempt < ReadAttempts)
            {
                // replaced meanwhile: read the newer one
            }
        }
    }

    private static async Task<TableContent> IndexAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> bytes)
    {
        var ingest = new TableIngest(s_storedLimits);
        await using var _ = ingest.ConfigureAwait(false);
        await foreach (var chunk in bytes.ConfigureAwait(false))
        {
            ingest.Append(chunk.Span);
        }
        return await ingest.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task CatchUpQuietlyAsync(Table table) => await CatchUpAsync(table, CancellationToken.None).ConfigureAwait(false);
}
