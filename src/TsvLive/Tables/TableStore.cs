using System.Collections.Concurrent;
using TsvLive.Errors;

namespace TsvLive.Tables;

/// <summary>
/// Every table, by id, in memory. The one place tables are kept, so that persistence or a shared
/// store can later live behind the same few calls.
/// </summary>
internal sealed class TableStore
{
    private readonly ConcurrentDictionary<string, Table> _tables = new(StringComparer.Ordinal);

    public int Count => _tables.Count;

    public bool TryGet(string? id, out Table table)
    {
        table = null!;
        return TableSecrets.LooksLikeId(id) && _tables.TryGetValue(id!, out table!);
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
}
