using System.Collections.Concurrent;
using TsvLive.Errors;
using TsvLive.Tables.Ingest;
using TsvLive.Tables.Storage;

namespace TsvLive.Tables;

/// <summary>
/// Every table, by id: the ones in memory (the serving copy), and, behind them, the ones in
/// <see cref="ITableStorage"/>, read back into memory the first time they are asked for. Nothing is
/// read at start, so a server with many stored tables is ready at once.
/// </summary>
internal sealed class TableStore(ITableStorage storage, MemoryBudget budget)
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
            return true;
        }
        // Read back from storage once, however many ask at the same moment. (Synchronous for the
        // callers' sake, once per table and process; an asynchronous store API is the next step.)
        var loading = _loading.GetOrAdd(id!, key => new Lazy<Task<Table?>>(() => LoadAsync(key)));
        try
        {
            table = loading.Value.GetAwaiter().GetResult()!;
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

    /// <summary>A stored table, indexed again from its bytes (the same path as an upload) and kept in memory.</summary>
    private async Task<Table?> LoadAsync(string id)
    {
        if (await storage.OpenAsync(id, CancellationToken.None).ConfigureAwait(false) is not var (stored, bytes))
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
        budget.Reserve(content.HeldBytes, stored.ChargedTo);
        var table = new Table(stored.Id, Convert.FromBase64String(stored.EditKeyHash), stored.CreatedAt,
            new TableVersion(stored.Version, stored.Name, stored.UpdatedAt, content, stored.ChargedTo));
        return _tables.GetOrAdd(id, table);
    }
}
