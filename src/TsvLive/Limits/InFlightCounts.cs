using System.Collections.Concurrent;

namespace TsvLive.Limits;

/// <summary>
/// How many of something each key (a client address, a connection) has under way at once, against
/// a most: uploads running, page reads in flight, connections open. The one counter behind those limits.
/// </summary>
internal sealed class InFlightCounts<TKey> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, int> _counts = new();

    /// <summary>A place for <paramref name="key"/>, given back when disposed; null when it already has <paramref name="max"/>.</summary>
    public IDisposable? TryEnter(TKey key, int max)
    {
        if (_counts.AddOrUpdate(key, 1, (_, n) => n + 1) > max)
        {
            Leave(key);
            return null;
        }
        return new Place(this, key);
    }

    private void Leave(TKey key)
    {
        _counts.AddOrUpdate(key, 0, (_, n) => n - 1);
        _counts.TryRemove(new KeyValuePair<TKey, int>(key, 0));
    }

    private sealed class Place(InFlightCounts<TKey> counts, TKey key) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                counts.Leave(key);
            }
        }
    }
}
