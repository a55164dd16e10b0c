using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Operations;
using TsvLive.Tables.Ingest;
using TsvLive.Tables.Storage;

namespace TsvLive.Tables;

/// <summary>
/// Every table, by id: the ones in memory (the serving copy), and, behind them, the ones in
/// <see cref="ITableStorage"/>, read back into memory the first time they are asked for. Nothing is
/// read at start, so a server with many stored tables is ready at once.
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

    private readonly ConcurrentDictionary<string, Table> _tables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Table?>>> _loading = new(StringComparer.Ordinal);
    private readonly ITableStorage _storage;
    private readonly MemoryBudget _budget;
    private readonly ILogger<TableStore> _logger;

    private readonly TsvLiveMetrics _metrics;
    private readonly TimeSpan? _expireAfter;

    public TableStore(ITableStorage storage, MemoryBudget budget, TsvLiveMetrics metrics, IOptions<TsvLiveOptions> options, ILogger<TableStore> logger)
    {
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

    public bool TryGet(string? id, out Table table)
    {
        table = null!;
        if (!TableSecrets.LooksLikeId(id))
        {
            return false;
        }
        if (_tables.TryGetValue(id!, out table!))
        {
            Viewed(table);
            return true;
        }
        // Read back from storage once, however many ask at the same moment. (Synchronous for the
        // callers' sake, once per table and process; an asynchronous store API is the next step.)
        var loading = _loading.GetOrAdd(id!, key => new Lazy<Task<Table?>>(() => LoadAsync(key)));
        try
        {
            table = loading.Value.GetAwaiter().GetResult()!;
            if (table is not null)
            {
                Viewed(table);
            }
            return table is not null;
        }
        finally
        {
            _loading.TryRemove(new KeyValuePair<string, Lazy<Task<Table?>>>(id!, loading));
        }
    }

    public Table Get(string? id) => TryGet(id, out var table) ? table : throw new TableNotFoundException(id ?? "");

    public void Add(Table table)
    {
        if (!_tables.TryAdd(table.Id, table))
        {
            throw new InvalidOperationException("Table id collision: the random source is broken.");
        }
    }

    public void Remove(Table table) => _tables.TryRemove(new KeyValuePair<string, Table>(table.Id, table));

    /// <summary>
    /// Deletes the tables not viewed for <paramref name="unused"/> (an expiry sweep): from memory and from
    /// storage. Tables being uploaded or replaced stay. Returns the ids deleted.
    /// </summary>
    public IReadOnlyList<string> DeleteNotViewedFor(TimeSpan unused)
    {
        var deleted = new List<string>();
        var cutoffTicks = Environment.TickCount64 - (long)unused.TotalMilliseconds;
        var stored = _storage.NotViewedSince(DateTimeOffset.UtcNow - unused).ToHashSet(StringComparer.Ordinal);
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
            _storage.Delete(id);
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
            if (_tables.TryRemove(new KeyValuePair<string, Table>(table.Id, table)))
            {
                var version = table.Current;
                var held = version.Content().HeldBytes;
                _budget.Release(held, version.ChargedTo);
                freed += held;
                _metrics.Evicted();
                LogEvicted(table.Id, held);
            }
        }
        return freed;
    }

    [LoggerMessage(LogLevel.Information, "Evicted table {TableId} from memory ({Bytes} bytes); it is read back from storage when asked for")]
    private partial void LogEvicted(string tableId, long bytes);

    /// <summary>A stored table, indexed again from its bytes (the same path as an upload) and kept in memory.</summary>
    private async Task<Table?> LoadAsync(string id)
    {
        if (await _storage.OpenAsync(id, CancellationToken.None).ConfigureAwait(false) is not var (stored, bytes))
        {
            return null;
        }
        await using var _ = bytes.ConfigureAwait(false);
        var ingest = new TableIngest(s_storedLimits);
        await using var __ = ingest.ConfigureAwait(false);
        await foreach (var chunk in bytes.ReadChunksAsync(CancellationToken.None).ConfigureAwait(false))
        {
            ingest.Append(chunk.Span);
        }
        var content = await ingest.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        _budget.Reserve(content.HeldBytes, stored.ChargedTo);
        var table = new Table(stored.Id, Convert.FromBase64String(stored.EditKeyHash), stored.CreatedAt,
            new TableVersion(stored.Version, stored.Name, stored.UpdatedAt, content, stored.ChargedTo));
        return _tables.GetOrAdd(id, table);
    }
}
