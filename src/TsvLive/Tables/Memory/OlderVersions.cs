namespace TsvLive.Tables.Memory;

/// <summary>
/// The older versions of tables held in memory, their bytes counted in the budget (charged to the
/// address each was charged to). With a storage, an older version is here while it is read (read
/// back for someone, or just replaced, for "What changed") and leaves when unused for
/// <see cref="IdleLife"/> or when room is needed, least recently used first. In memory only, every
/// kept older version is here (<c>pinned</c>: its only copy) and leaves only when room is needed,
/// oldest first, and is then no longer kept. Its owner, <see cref="TableMemory"/>, calls it under its lock.
/// </summary>
internal sealed class OlderVersions(MemoryBudget budget)
{
    /// <summary>How long an older version read back stays in memory after it was last read.</summary>
    public static readonly TimeSpan IdleLife = TimeSpan.FromMinutes(2);

    private readonly Dictionary<(string Id, int Version), Entry> _held = [];

    /// <summary>What the older versions hold, as the budget counts it.</summary>
    public long HeldBytes => _held.Values.Sum(e => e.Bytes);

    /// <summary>Each older version held, with its table (what the memory tests check).</summary>
    public IReadOnlyList<(string TableId, TableVersion Version)> Held => [.. _held.Select(e => (e.Key.Id, e.Value.Version))];

    public TableVersion? Find(string id, int version)
    {
        if (!_held.TryGetValue((id, version), out var entry))
        {
            return null;
        }
        entry.LastUsed = Environment.TickCount64;
        return entry.Version;
    }

    /// <summary>Holds an older version whose bytes are counted in the budget already (they are released when it leaves).</summary>
    public void Hold(string id, TableVersion version, bool pinned)
    {
        if (_held.TryGetValue((id, version.Version), out var there))
        {
            // Read back twice at once: one copy is enough.
            budget.Release(version.Content().HeldBytes, version.ChargedTo);
            there.LastUsed = Environment.TickCount64;
            return;
        }
        _held.Add((id, version.Version), new Entry(version, pinned) { LastUsed = Environment.TickCount64 });
    }

    /// <summary>Releases the table's older versions that <paramref name="release"/> picks (all: null); the bytes freed.</summary>
    public long Release(string id, Func<int, bool>? release = null)
    {
        long freed = 0;
        foreach (var key in _held.Keys.Where(k => k.Id == id && (release is null || release(k.Version))).ToList())
        {
            freed += Remove(key);
        }
        return freed;
    }

    /// <summary>Releases the versions read back that nobody read for <see cref="IdleLife"/>.</summary>
    public void ReleaseIdle()
    {
        var before = Environment.TickCount64 - (long)IdleLife.TotalMilliseconds;
        foreach (var key in _held.Where(e => !e.Value.Pinned && e.Value.LastUsed < before).Select(e => e.Key).ToList())
        {
            Remove(key);
        }
    }

    /// <summary>
    /// Frees at least <paramref name="bytes"/> if it can (of <paramref name="address"/>'s versions only,
    /// when given): versions read back first, least recently used first, then (<paramref name="pinnedToo"/>)
    /// pinned ones, oldest first, each told to <paramref name="forgotten"/> (it is no longer kept). The bytes freed.
    /// </summary>
    public long Evict(long bytes, string? address, bool pinnedToo, Action<string, int> forgotten)
    {
        long freed = 0;
        var candidates = _held
            .Where(e => (address is null || e.Value.Version.ChargedTo == address) && (pinnedToo || !e.Value.Pinned))
            .OrderBy(e => e.Value.Pinned)
            .ThenBy(e => e.Value.Pinned ? e.Value.Version.UpdatedAt.UtcTicks : e.Value.LastUsed)
            .Select(e => (e.Key, e.Value.Pinned))
            .ToList();
        foreach (var (key, pinned) in candidates)
        {
            if (freed >= bytes)
            {
                break;
            }
            freed += Remove(key);
            if (pinned)
            {
                forgotten(key.Id, key.Version);
            }
        }
        return freed;
    }

    private long Remove((string Id, int Version) key)
    {
        if (!_held.Remove(key, out var entry))
        {
            return 0;
        }
        budget.Release(entry.Bytes, entry.Version.ChargedTo);
        return entry.Bytes;
    }

    private sealed class Entry(TableVersion version, bool pinned)
    {
        public TableVersion Version => version;

        public bool Pinned => pinned;

        public long Bytes { get; } = version.Content().HeldBytes;

        public long LastUsed { get; set; }
    }
}
