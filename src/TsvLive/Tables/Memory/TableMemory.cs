using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Operations;
using TsvLive.Tables.Storage;

namespace TsvLive.Tables.Memory;

/// <summary>
/// The one owner of what table versions hold in memory. It holds the tables in memory and decides
/// every change to what they hold: admitting bytes (an upload arriving, a version read back), making
/// room when they do not fit (caches first, then tables least recently used, and only tables that are
/// stored elsewhere), publishing a version (swapped in whole, the version it replaces given back, that
/// version's caches forgotten) and dropping a table (eviction, expiry, deletion elsewhere). Nothing
/// else calls <see cref="MemoryBudget"/> for a version's bytes, and no cache outlives the version it
/// was computed for (<see cref="Caches"/> keeps only entries of versions held here).
/// </summary>
internal sealed partial class TableMemory
{
    private readonly ConcurrentDictionary<string, Table> _held = new(StringComparer.Ordinal);
    private readonly Lock _changing = new();
    private readonly MemoryBudget _budget;
    private readonly bool _canEvict;
    private readonly int _keepOlder;
    private readonly OlderVersions _older;
    private readonly TsvLiveMetrics _metrics;
    private readonly ILogger<TableMemory> _logger;

    public TableMemory(MemoryBudget budget, ITableStorage storage, TsvLiveMetrics metrics, IOptions<TsvLiveOptions> options, ILogger<TableMemory> logger)
    {
        _budget = budget;
        _canEvict = storage.KeepsTables;
        _keepOlder = options.Value.KeepVersions - 1;
        _older = new OlderVersions(budget);
        _metrics = metrics;
        _logger = logger;
        Caches = new ViewCache(budget, metrics, IsHeld);
        metrics.Observe("tsvlive.tables.in_memory", "{table}", "Tables held in memory", () => _held.Count);
        metrics.Observe("tsvlive.bytes.in_memory", "By", "Memory the tables hold, as the budget counts it", () => budget.Held);
    }

    /// <summary>What is computed per version (columns' values and orders, views' rows): dropped before any table.</summary>
    public ViewCache Caches { get; }

    /// <summary>The tables in memory.</summary>
    public int Count => _held.Count;

    /// <summary>The tables in memory now.</summary>
    public IReadOnlyCollection<Table> Tables => [.. _held.Values];

    public Table? Find(string id) => _held.GetValueOrDefault(id);

    /// <summary>Each older version held in memory (what the memory tests check against the budget).</summary>
    public IReadOnlyList<(string TableId, TableVersion Version)> OlderHeld
    {
        get
        {
            lock (_changing)
            {
                return _older.Held;
            }
        }
    }

    /// <summary>An older version of the table if it is in memory (read back for someone, or memory is its only place).</summary>
    public TableVersion? FindOlder(Table table, int version)
    {
        lock (_changing)
        {
            _older.ReleaseIdle();
            return _held.GetValueOrDefault(table.Id) == table && table.Older.Any(v => v.Version == version) ? _older.Find(table.Id, version) : null;
        }
    }

    /// <summary>
    /// Holds an older version read back from storage for someone who reads it, unless the table left
    /// memory or no longer keeps that version: then the reservation gives its bytes back. The version to read.
    /// </summary>
    public TableVersion HoldOlder(Table table, TableVersion version, MemoryReservation reservation)
    {
        RequireReserved(version.Content(), reservation);
        lock (_changing)
        {
            if (_held.GetValueOrDefault(table.Id) == table && table.Older.Any(v => v.Version == version.Version))
            {
                reservation.TakeOver();
                _older.Hold(table.Id, version, pinned: false);
                return _older.Find(table.Id, version.Version) ?? version;
            }
            return version; // read for this asker only
        }
    }

    /// <summary>Whether <paramref name="version"/> of the table is the one held (what a cache entry may be kept for).</summary>
    public bool IsHeld(string id, int version) => _held.TryGetValue(id, out var table) && table.Current.Version == version;

    /// <summary>Memory for a version being built, charged to <paramref name="address"/>.</summary>
    /// <param name="credit">What the version it will replace holds: room that is as good as free.</param>
    public MemoryReservation Reserve(string address, long credit = 0) => new(this, address, credit);

    /// <summary>
    /// Holds a new table whose first version is still arriving; its bytes are in the upload's
    /// reservation until <see cref="Finish"/>.
    /// </summary>
    public void HoldArriving(Table table)
    {
        if (!_held.TryAdd(table.Id, table))
        {
            throw new InvalidOperationException("Table id collision: the random source is broken.");
        }
    }

    /// <summary>A new table's upload failed: it leaves memory (its reservation gives its bytes back).</summary>
    public void Abandon(Table table)
    {
        lock (_changing)
        {
            _held.TryRemove(new KeyValuePair<string, Table>(table.Id, table));
            Caches.Forget(table.Id);
        }
    }

    /// <summary>A new table's first version has arrived whole: its memory is the table's from now on.</summary>
    public TableVersion Finish(Table table, TableContent content, DateTimeOffset at, MemoryReservation reservation)
    {
        RequireReserved(content, reservation);
        lock (_changing)
        {
            reservation.TakeOver();
            return table.Finish(content, at);
        }
    }

    /// <summary>
    /// Holds a table read back from storage, unless another reader was first: then that one is
    /// returned and this one's reservation gives its bytes back.
    /// </summary>
    public Table HoldStored(Table table, MemoryReservation reservation)
    {
        RequireReserved(table.Current.Content(), reservation);
        lock (_changing)
        {
            var held = _held.GetOrAdd(table.Id, table);
            if (held == table)
            {
                reservation.TakeOver();
            }
            return held;
        }
    }

    /// <summary>
    /// Publishes <paramref name="next"/> (a replacement made here, or a newer version read back):
    /// swaps it in unless a newer one is current already and forgets the caches of the version no
    /// longer served. That version becomes an older one held in memory (memory only: for as long as it
    /// is kept; with a storage: until unused for a while, so "What changed" needs no read) or gives its
    /// memory back. A table that left memory meanwhile is not held again. Whether <paramref name="next"/>
    /// is now the table's current version.
    /// </summary>
    /// <param name="storedOlder">The older versions the storage keeps (newest first); null: memory only, this keeps them.</param>
    public bool Publish(Table table, TableVersion next, MemoryReservation reservation, IReadOnlyList<VersionSummary>? storedOlder)
    {
        RequireReserved(next.Content(), reservation);
        lock (_changing)
        {
            if (_held.GetValueOrDefault(table.Id) != table)
            {
                return false; // dropped meanwhile: the reservation gives the bytes back
            }
            reservation.TakeOver();
            var (dropped, published) = table.Publish(next, previous =>
                storedOlder ?? (_canEvict ? [] : [.. new[] { VersionSummary.Of(previous) }.Concat(table.Older).Take(_keepOlder)]));
            if (published && table.Older.Any(v => v.Version == dropped.Version))
            {
                _older.Hold(table.Id, dropped, pinned: !_canEvict);
                // The replacement was let in on the room of the version it replaced, which stays: older versions make it.
                var over = Math.Max(_budget.Held - _budget.Limit, _budget.HeldBy(dropped.ChargedTo) - _budget.AddressLimit);
                if (over > 0)
                {
                    _older.Evict(over, _budget.Held > _budget.Limit ? null : dropped.ChargedTo, pinnedToo: true, NoLongerKept);
                }
            }
            else
            {
                _budget.Release(dropped.Content().HeldBytes, dropped.ChargedTo);
            }
            if (published)
            {
                Caches.Forget(table.Id, below: next.Version);
                var kept = table.Older;
                _older.Release(table.Id, version => !kept.Any(v => v.Version == version));
            }
            _older.ReleaseIdle();
            return published;
        }
    }

    /// <summary>
    /// Publishes the current version with rows appended (<paramref name="grown"/>, the same number):
    /// the reservation's bytes for what it holds more than the version before become the version's. False when the table left memory or another version is current: the bytes
    /// stay in the reservation, which gives them back.
    /// </summary>
    public bool Grow(Table table, TableVersion grown, MemoryReservation reservation)
    {
        lock (_changing)
        {
            var before = table.Current;
            if (_held.GetValueOrDefault(table.Id) != table || !table.Grow(grown))
            {
                return false;
            }
            // Its cached views stay: they name the rows they were computed over (Views.ViewBasis moves them on).
            reservation.TakeOver(grown.Content().HeldBytes - before.Content().HeldBytes);
            return true;
        }
    }

    /// <summary>Takes a table out of memory and gives its memory back; the bytes freed, or null when it was gone already.</summary>
    public long? Drop(Table table)
    {
        lock (_changing)
        {
            if (!_held.TryRemove(new KeyValuePair<string, Table>(table.Id, table)))
            {
                return null;
            }
            var version = table.Current;
            var held = version.Content().HeldBytes;
            _budget.Release(held, version.ChargedTo);
            Caches.Forget(table.Id);
            return held + _older.Release(table.Id);
        }
    }

    /// <summary>Counts bytes for <paramref name="address"/>, making room when they do not fit; refuses when room cannot be made.</summary>
    internal void Admit(long bytes, string address, long credit)
    {
        if (_budget.TryReserve(bytes, address, credit, out var overall))
        {
            return;
        }
        if (!(MakeRoom(bytes, overall ? null : address) && _budget.TryReserve(bytes, address, credit, out overall)))
        {
            throw overall ? new ServerFullException(_budget.Limit) : new AddressShareFullException(_budget.AddressLimit);
        }
    }

    internal void Release(long bytes, string address) => _budget.Release(bytes, address);

    /// <summary>
    /// Drops caches, then older versions (read back ones, least recently used first; in memory only,
    /// kept ones, oldest first, which are then no longer kept), then tables stored elsewhere, least
    /// recently used first (any, or only <paramref name="address"/>'s when its share is the limit);
    /// whether anything was freed. Tables being uploaded or replaced stay.
    /// </summary>
    private bool MakeRoom(long bytes, string? address)
    {
        var freed = Caches.Evict(bytes);
        if (freed < bytes)
        {
            lock (_changing)
            {
                freed += _older.Evict(bytes - freed, address, pinnedToo: !_canEvict, NoLongerKept);
            }
        }
        if (freed >= bytes || !_canEvict)
        {
            return freed > 0;
        }
        var candidates = _held.Values
            .Where(t => !t.IsChanging && t.Current is { } v && (address is null || v.ChargedTo == address) && v.Content().Complete)
            .OrderBy(t => t.LastUsed)
            .ToList();
        var freedTables = 0L;
        foreach (var table in candidates)
        {
            if (freed + freedTables >= bytes)
            {
                break;
            }
            if (Drop(table) is { } held)
            {
                freedTables += held;
                _metrics.Evicted();
                LogEvicted(table.Id, held);
            }
        }
        return freed + freedTables > 0;
    }

    /// <summary>An older version left memory for good (memory only, where it was its one copy): the table no longer lists it.</summary>
    private void NoLongerKept(string id, int version) => _held.GetValueOrDefault(id)?.ForgetOlder(version);

    /// <summary>What a version holds must be what was reserved for it, or the budget drifts.</summary>
    private static void RequireReserved(TableContent content, MemoryReservation reservation)
    {
        if (content.HeldBytes != reservation.Bytes)
        {
            throw new InvalidOperationException($"A version holding {content.HeldBytes} bytes was reserved {reservation.Bytes}.");
        }
    }

    [LoggerMessage(LogLevel.Information, "Evicted table {TableId} from memory ({Bytes} bytes); it is read back from storage when asked for")]
    private partial void LogEvicted(string tableId, long bytes);
}
