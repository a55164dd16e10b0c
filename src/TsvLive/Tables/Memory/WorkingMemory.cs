namespace TsvLive.Tables.Memory;

/// <summary>
/// The memory a computation holds while it runs (column stats' distinct values), counted in the
/// memory budget with the view caches (never evicting a table) and given back when it ends. Taken in
/// blocks, so counting costs nothing per value. Its owner is the computation that creates it.
/// </summary>
internal sealed class WorkingMemory(MemoryBudget budget) : IDisposable
{
    private const long Block = 1 << 20;

    private long _reserved;
    private long _used;

    /// <summary>Counts <paramref name="bytes"/> more; false when the budget has no room for them.</summary>
    public bool TryUse(long bytes)
    {
        while (_used + bytes > _reserved)
        {
            if (!budget.TryReserveForCaches(Block))
            {
                return false;
            }
            _reserved += Block;
        }
        _used += bytes;
        return true;
    }

    public void Dispose()
    {
        budget.ReleaseFromCaches(_reserved);
        _reserved = 0;
    }
}
