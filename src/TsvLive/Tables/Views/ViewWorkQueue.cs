using Microsoft.Extensions.Options;
using TsvLive.Errors;
using TsvLive.Limits;

namespace TsvLive.Tables.Views;

/// <summary>
/// The computations of views and column stats not cached yet take a place here first: at most
/// TsvLive:MaxViewComputations at once (by default one fewer than the cores, so a core is left for
/// pages, notices and uploads), and those waiting take turns across client addresses, one each in
/// turn, so an address asking for many views waits behind its own, not everyone else behind it. A
/// page of a view already computed never comes here. An address may have
/// TsvLive:MaxQueuedViewsPerAddress waiting; past that, 429.
/// </summary>
internal sealed class ViewWorkQueue(IOptions<TsvLiveOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<TaskCompletionSource<IDisposable>>> _waiting = new(StringComparer.Ordinal);
    // Each address with someone waiting, once, in the order of its next turn.
    private readonly Queue<string> _turns = new();
    private int _running;

    private int Places => options.Value.MaxViewComputations ?? Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>How many computations wait for a place (cancelled ones included until their turn passes).</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Values.Sum(q => q.Count);
            }
        }
    }

    /// <summary>How many computations hold a place now.</summary>
    public int Running
    {
        get
        {
            lock (_lock)
            {
                return _running;
            }
        }
    }

    /// <summary>Waits for a place (given back when the result is disposed); the caller's token ends the wait.</summary>
    /// <param name="client">The asker (<see cref="ClientAddress.ClientKey"/>).</param>
    public async Task<IDisposable> EnterAsync(string client, CancellationToken cancellationToken)
    {
        TaskCompletionSource<IDisposable> waiter;
        lock (_lock)
        {
            if (_running < Places && _turns.Count == 0)
            {
                _running++;
                return new Place(this);
            }
            if (!_waiting.TryGetValue(client, out var queue))
            {
                queue = new Queue<TaskCompletionSource<IDisposable>>();
                _waiting.Add(client, queue);
                _turns.Enqueue(client);
            }
            if (queue.Count >= options.Value.MaxQueuedViewsPerAddress)
            {
                throw new TooManyRequestsException(
                    $"This address already has {queue.Count} sorts, filters, finds or column stats waiting to be computed, the most allowed. Wait for them, then ask again.");
            }
            waiter = new TaskCompletionSource<IDisposable>(TaskCreationOptions.RunContinuationsAsynchronously);
            queue.Enqueue(waiter);
        }
        // A waiter that gives up stays queued until its turn comes, and is then passed over.
        await using var giveUp = cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
        return await waiter.Task.ConfigureAwait(false);
    }

    /// <summary>A place is free: the next address in turn gets it (its oldest waiter still waiting), or it is given back.</summary>
    private void Leave()
    {
        lock (_lock)
        {
            while (_turns.TryDequeue(out var client))
            {
                var queue = _waiting[client];
                var waiter = queue.Dequeue();
                if (queue.Count == 0)
                {
                    _waiting.Remove(client);
                }
                else
                {
                    _turns.Enqueue(client);
                }
                if (waiter.TrySetResult(new Place(this)))
                {
                    return;
                }
            }
            _running--;
        }
    }

    private sealed class Place(ViewWorkQueue queue) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                queue.Leave();
            }
        }
    }
}
