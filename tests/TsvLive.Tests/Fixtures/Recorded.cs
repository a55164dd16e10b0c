using System.Collections.Concurrent;

namespace TsvLive.Tests.Fixtures;

/// <summary>Events a client received, for waiting until one arrives (with a timeout).</summary>
public sealed class Recorded<T>
{
    private readonly ConcurrentQueue<T> _events = new();

    public IReadOnlyCollection<T> All => _events;

    public void Add(T item) => _events.Enqueue(item);

    public async Task<T> WaitForAsync(Func<T, bool> match, TimeSpan? timeout = null)
    {
        using var expired = new CancellationTokenSource(timeout ?? Timeouts.Default);
        while (true)
        {
            foreach (var item in _events)
            {
                if (match(item))
                {
                    return item;
                }
            }
            try
            {
                await Task.Delay(10, expired.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching event within {timeout ?? Timeouts.Default}; got {_events.Count}: {string.Join(", ", _events)}");
            }
        }
    }
}
