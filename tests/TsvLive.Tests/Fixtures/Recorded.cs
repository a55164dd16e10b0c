using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;

namespace TsvLive.Tests.Fixtures;

/// <summary>Hub events a client receives, recorded from the moment this is called.</summary>
public static class Recorded
{
    /// <summary>(string, int) for ViewerCount, (string, long, long) for UploadProgress, else the one argument.</summary>
    public static Recorded<T> From<T>(HubConnection connection, string eventName)
    {
        var recorded = new Recorded<T>();
        if (typeof(T) == typeof((string, int)))
        {
            connection.On<string, int>(eventName, (id, count) => recorded.Add((T)(object)(id, count)));
        }
        else if (typeof(T) == typeof((string, long, long)))
        {
            connection.On<string, long, long>(eventName, (id, bytes, rows) => recorded.Add((T)(object)(id, bytes, rows)));
        }
        else
        {
            connection.On<T>(eventName, recorded.Add);
        }
        return recorded;
    }
}

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
