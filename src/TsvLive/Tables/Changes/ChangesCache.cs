using TsvLive.Tables.Memory;

namespace TsvLive.Tables.Changes;

/// <summary>
/// The changes computed per version pair, kept for the next page and the next asker: at most
/// <see cref="MaxEntries"/>, least recently used first out, each counted in the memory budget with the
/// view caches (one that does not fit is computed for its askers only). Versions never change, so an
/// entry stays right for as long as it is kept. Concurrent askers of one pair wait for one computation;
/// when the one computing gives up (its token cancelled), the next asker computes it.
/// </summary>
internal sealed class ChangesCache(MemoryBudget budget)
{
    public const int MaxEntries = 32;

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Id, int From, int To), Entry> _entries = [];
    private readonly LinkedList<(string Id, int From, int To)> _recent = [];

    public async Task<TableChanges> GetOrAddAsync(string id, int from, int to, Func<Task<TableChanges>> compute, CancellationToken cancellationToken)
    {
        var key = (id, from, to);
        while (true)
        {
            Entry entry;
            lock (_lock)
            {
                if (_entries.TryGetValue(key, out var found))
                {
                    _recent.Remove(found.Node);
                    _recent.AddFirst(found.Node);
                    entry = found;
                }
                else
                {
                    entry = new Entry(Task.Run(compute, CancellationToken.None), _recent.AddFirst(key));
                    _entries.Add(key, entry);
                }
            }
            try
            {
                var changes = await entry.Changes.WaitAsync(cancellationToken).ConfigureAwait(false);
                Count(key, entry, changes);
                return changes;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Remove(key, entry); // the asker computing it gave up: this one computes it
            }
            catch when (entry.Changes.IsFaulted || entry.Changes.IsCanceled)
            {
                Remove(key, entry);
                throw;
            }
        }
    }

    /// <summary>Drops what is kept of a table (it was deleted).</summary>
    public void Forget(string id)
    {
        lock (_lock)
        {
            foreach (var key in _entries.Keys.Where(k => k.Id == id).ToList())
            {
                RemoveLocked(key, _entries[key]);
            }
        }
    }

    /// <summary>Counts a computed entry once; the least recently used ones go while there are too many or it does not fit.</summary>
    private void Count((string, int, int) key, Entry entry, TableChanges changes)
    {
        lock (_lock)
        {
            if (entry.Bytes > 0 || !_entries.TryGetValue(key, out var current) || current != entry)
            {
                return;
            }
            while (_entries.Count > MaxEntries && _recent.Last is { } oldest && oldest.Value != key)
            {
                RemoveLocked(oldest.Value, _entries[oldest.Value]);
            }
            if (budget.TryReserveForCaches(changes.SizeBytes))
            {
                entry.Bytes = changes.SizeBytes;
            }
            else
            {
                RemoveLocked(key, entry);
            }
        }
    }

    private void Remove((string, int, int) key, Entry entry)
    {
        lock (_lock)
        {
            RemoveLocked(key, entry);
        }
    }

    private void RemoveLocked((string, int, int) key, Entry entry)
    {
        if (!_entries.TryGetValue(key, out var current) || current != entry)
        {
            return;
        }
        _entries.Remove(key);
        _recent.Remove(entry.Node);
        budget.ReleaseFromCaches(entry.Bytes);
    }

    private sealed class Entry(Task<TableChanges> changes, LinkedListNode<(string Id, int From, int To)> node)
    {
        public Task<TableChanges> Changes => changes;

        public LinkedListNode<(string Id, int From, int To)> Node => node;

        public long Bytes { get; set; }
    }
}
