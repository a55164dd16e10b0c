using TsvLive.Operations;

namespace TsvLive.Tables.Memory;

/// <summary>
/// What is expensive to compute per table version (a column's typed values and order, a view's
/// rows), kept while it is used: least recently used first out, within the memory budget (counted
/// there, dropped before any table is evicted, never the reason an upload fails). Entries belong to
/// a version: a newer version of the table drops the older one's. Concurrent askers of the same
/// entry wait for one computation. A new entry that does not fit takes the room of the least
/// recently used ones. Only entries of a version <see cref="TableMemory"/> holds are kept: it owns
/// the cache, and forgets a version's entries when the version leaves memory or is replaced.
/// </summary>
internal sealed class ViewCache
{
    /// <summary>One client's views may hold this part (a quarter) of what caches may hold.</summary>
    private const int ClientShareDivisor = 4;

    private readonly MemoryBudget _budget;
    private readonly Func<string, int, bool> _isHeld;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Id, string Key), Entry> _entries = [];
    private readonly LinkedList<(string Id, string Key)> _recent = [];
    private readonly Dictionary<string, int> _versions = new(StringComparer.Ordinal);
    // How often each table's entries were all forgotten (rows appended keep the version number): an entry
    // whose computation began before the last time is for rows that are no longer all the rows, and is not kept.
    // (Bounded: past MaxForgotten tables the counts start again under a new epoch, and every entry begun before is not kept.)
    private readonly Dictionary<string, int> _forgotten = new(StringComparer.Ordinal);
    private const int MaxForgotten = 10_000;
    private long _epoch;
    // What the entries each client asked for hold (views' rows; column values and orders are shared by all, charged to none).
    private readonly Dictionary<string, long> _heldBy = new(StringComparer.Ordinal);
    private long _heldBytes;

    /// <param name="isHeld">Whether a version of a table is held in memory (an entry of any other is computed for its asker only).</param>
    public ViewCache(MemoryBudget budget, TsvLiveMetrics metrics, Func<string, int, bool> isHeld)
    {
        _budget = budget;
        _isHeld = isHeld;
        metrics.Observe("tsvlive.bytes.view_caches", "By", "Memory of cached column values, column orders and view rows", () => HeldBytes);
    }

    /// <summary>The memory the entries hold, as the budget counts it.</summary>
    public long HeldBytes
    {
        get
        {
            lock (_lock)
            {
                return _heldBytes;
            }
        }
    }

    /// <summary>
    /// The entry, computed by the first asker (with that asker's token inside <paramref name="compute"/>).
    /// When the asker computing it gives up (its token cancelled), the others waiting for it compute
    /// it again themselves, unless their own token is cancelled too.
    /// </summary>
    /// <param name="client">
    /// The client the entry is for (its address key), when it is theirs alone (a view's rows): a client
    /// may hold a quarter of what caches may hold, and beyond that its own oldest entries make room first.
    /// </param>
    public T GetOrAdd<T>(string tableId, int version, string key, Func<T> compute, Func<T, long> size, CancellationToken cancellationToken, string? client = null)
        where T : class
    {
        while (true)
        {
            try
            {
                return GetOrAddOnce(tableId, version, key, compute, size, client);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Another asker's computation was cancelled; its entry is gone, so this asker computes.
            }
        }
    }

    private T GetOrAddOnce<T>(string tableId, int version, string key, Func<T> compute, Func<T, long> size, string? client) where T : class
    {
        Entry entry;
        lock (_lock)
        {
            if (_versions.TryGetValue(tableId, out var held) && held != version)
            {
                if (held > version)
                {
                    return compute(); // an older version still being read: not worth keeping
                }
                DropTable(tableId);
            }
            _versions[tableId] = version;
            if (_entries.TryGetValue((tableId, key), out var found))
            {
                _recent.Remove(found.Node);
                _recent.AddFirst(found.Node);
                entry = found;
            }
            else
            {
                entry = new Entry(new Lazy<object>(() => compute()), _recent.AddFirst((tableId, key)), client, Forgotten(tableId));
                _entries.Add((tableId, key), entry);
            }
        }
        object value;
        try
        {
            value = entry.Value.Value;
        }
        catch
        {
            lock (_lock)
            {
                Remove((tableId, key), entry);
            }
            throw;
        }
        lock (_lock)
        {
            if (entry.Size == 0 && _entries.TryGetValue((tableId, key), out var current) && current == entry)
            {
                if (!_isHeld(tableId, version) || entry.Forgotten != Forgotten(tableId))
                {
                    // The version left memory (or was replaced) while this was computed: its caches are forgotten already.
                    Remove((tableId, key), entry);
                    if (!_entries.Keys.Any(k => k.Id == tableId))
                    {
                        _versions.Remove(tableId);
                    }
                    return (T)value;
                }
                var bytes = Math.Max(1, size((T)value));
                if (MakeRoom(bytes, client))
                {
                    entry.Size = bytes;
                    _heldBytes += bytes;
                    if (client is not null)
                    {
                        _heldBy[client] = _heldBy.GetValueOrDefault(client) + bytes;
                    }
                }
                else
                {
                    Remove((tableId, key), entry); // no room even without the other entries: computed for this answer only
                }
            }
        }
        return (T)value;
    }

    /// <summary>Whether the entry is computed and kept (asking for it then costs no computation).</summary>
    public bool Holds(string tableId, int version, string key)
    {
        lock (_lock)
        {
            return _versions.TryGetValue(tableId, out var held) && held == version && _entries.TryGetValue((tableId, key), out var entry) && entry.Size > 0;
        }
    }

    /// <summary>
    /// Drops a table's entries: all of them when it left memory, or (<paramref name="below"/>) those of
    /// versions older than the one published; an older version's asker still computing keeps nothing.
    /// </summary>
    public void Forget(string tableId, int? below = null)
    {
        lock (_lock)
        {
            if (below is { } version)
            {
                if (_versions.TryGetValue(tableId, out var held) && held < version)
                {
                    DropTable(tableId);
                    _versions[tableId] = version;
                }
                return;
            }
            DropTable(tableId);
            _versions.Remove(tableId);
            if (_forgotten.Count >= MaxForgotten)
            {
                _forgotten.Clear();
                _epoch++;
            }
            _forgotten[tableId] = _forgotten.GetValueOrDefault(tableId) + 1;
        }
    }

    /// <summary>
    /// The computed entry of the table's <paramref name="version"/> under <paramref name="prefix"/> followed
    /// by the largest row count below <paramref name="below"/> (entries are named "{what}@{rows}"): what
    /// was computed over an earlier snapshot of a growing version, to extend; null when there is none.
    /// </summary>
    public T? Earlier<T>(string tableId, int version, string prefix, long below, out long rows) where T : class
    {
        rows = -1;
        T? found = null;
        lock (_lock)
        {
            if (!_versions.TryGetValue(tableId, out var held) || held != version)
            {
                return null;
            }
            foreach (var (key, entry) in _entries)
            {
                if (key.Id == tableId && entry.Size > 0 && key.Key.StartsWith(prefix, StringComparison.Ordinal)
                    && long.TryParse(key.Key.AsSpan(prefix.Length), System.Globalization.CultureInfo.InvariantCulture, out var count)
                    && count < below && count > rows && entry.Value.Value is T value)
                {
                    (rows, found) = (count, value);
                }
            }
        }
        return found;
    }

    /// <summary>Drops the table's entries under keys <paramref name="keep"/> does not hold to (those of a snapshot no longer asked for).</summary>
    public void ForgetUnless(string tableId, Func<string, bool> keep)
    {
        lock (_lock)
        {
            foreach (var key in _entries.Keys.Where(k => k.Id == tableId && !keep(k.Key)).ToList())
            {
                Remove(key, _entries[key]);
            }
        }
    }

    /// <summary>Drops one entry of the table (one another entry took the place of).</summary>
    public void Drop(string tableId, string key)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue((tableId, key), out var entry))
            {
                Remove((tableId, key), entry);
            }
        }
    }

    /// <summary>Each kept entry's table and version (what the memory tests check against the tables held).</summary>
    public IReadOnlyList<(string TableId, int Version)> Kept()
    {
        lock (_lock)
        {
            return [.. _entries.Where(e => e.Value.Size > 0).Select(e => (e.Key.Id, _versions[e.Key.Id]))];
        }
    }

    /// <summary>
    /// Reserves <paramref name="bytes"/> for a new entry, dropping the cache's own least recently used
    /// entries while that is what stands in the way (a cache full of one viewer's old sorts makes room
    /// for another's new one, instead of recomputing it on every page). Never evicts a table.
    /// </summary>
    private bool MakeRoom(long bytes, string? client)
    {
        if (bytes > _budget.AddressLimit || _budget.Held - _heldBytes + bytes > _budget.Limit)
        {
            return false; // more than caches may hold, or tables fill the budget: emptying the cache would not help
        }
        // A client over its share makes room from its own entries, oldest first: it cannot push everyone else's out.
        var share = _budget.AddressLimit / ClientShareDivisor;
        for (var node = _recent.Last; client is not null && _heldBy.GetValueOrDefault(client) + bytes > share && node is not null;)
        {
            var previous = node.Previous;
            var entry = _entries[node.Value];
            if (entry.Client == client && entry.Size > 0)
            {
                Remove(node.Value, entry);
            }
            node = previous;
        }
        while (!_budget.TryReserveForCaches(bytes))
        {
            var oldest = _recent.Last;
            while (oldest is not null && _entries[oldest.Value].Size == 0)
            {
                oldest = oldest.Previous; // still being computed (or this very entry): not room to take
            }
            if (oldest is null)
            {
                return false;
            }
            Remove(oldest.Value, _entries[oldest.Value]);
        }
        return true;
    }

    /// <summary>Frees at least <paramref name="bytes"/> if it can, least recently used first; returns what it freed.</summary>
    public long Evict(long bytes)
    {
        long freed = 0;
        lock (_lock)
        {
            while (freed < bytes && _recent.Last is { } last)
            {
                freed += Remove(last.Value, _entries[last.Value]);
            }
        }
        return freed;
    }

    private void DropTable(string tableId)
    {
        foreach (var key in _entries.Keys.Where(k => k.Id == tableId).ToList())
        {
            Remove(key, _entries[key]);
        }
    }

    /// <summary>Removes the entry if it is still the one under its key (a failed computation's asker may come after a new one was added).</summary>
    private long Remove((string Id, string Key) key, Entry entry)
    {
        if (!_entries.TryGetValue(key, out var current) || current != entry)
        {
            return 0;
        }
        _entries.Remove(key);
        _recent.Remove(entry.Node);
        if (entry.Size > 0)
        {
            _budget.ReleaseFromCaches(entry.Size);
            _heldBytes -= entry.Size;
            if (entry.Client is { } client && (_heldBy[client] -= entry.Size) <= 0)
            {
                _heldBy.Remove(client);
            }
        }
        return entry.Size;
    }

    /// <summary>Where the table's forgetting stands (epoch and count): an entry begun under another is for rows no longer all the rows.</summary>
    private long Forgotten(string tableId) => (_epoch << 32) | (uint)_forgotten.GetValueOrDefault(tableId);

    private sealed class Entry(Lazy<object> value, LinkedListNode<(string Id, string Key)> node, string? client, long forgotten)
    {
        /// <summary>How often the table's entries had been forgotten when this one was begun.</summary>
        public long Forgotten => forgotten;

        public string? Client => client;

        public Lazy<object> Value => value;

        public LinkedListNode<(string Id, string Key)> Node => node;

        public long Size { get; set; }
    }
}
