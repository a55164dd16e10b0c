using System.Diagnostics;

namespace TsvLive.Tables.Memory;

/// <summary>
/// Gives the memory of versions and caches that were let go back to the system soon after, rather
/// than whenever the garbage collector next needs room, which for a server gone quiet is never: one
/// that replaced a 100 MB table every 5 s for three minutes kept 5 × what it held, ten seconds after
/// the load ended (docs/benchmarks.md). Once <see cref="_threshold"/> bytes were let go, one full,
/// compacting collection runs <see cref="_delay"/> later (what is let go meanwhile joins it), so
/// there is at most one such collection per delay, and none for small tables.
/// </summary>
internal sealed partial class HeapReturn : IDisposable
{
    private readonly long _threshold;
    private readonly TimeSpan _delay;
    private readonly ILogger _logger;
    private readonly Timer _timer;
    private long _released;
    private int _scheduled;
    private int _collections;

    /// <param name="threshold">Bytes let go before a collection is worth its pause.</param>
    /// <param name="delay">How long after the threshold is passed the collection runs.</param>
    public HeapReturn(long threshold, TimeSpan delay, ILogger logger)
    {
        _threshold = threshold;
        _delay = delay;
        _logger = logger;
        _timer = new Timer(_ => Collect());
    }

    /// <summary>The collections run so far.</summary>
    public int Collections => Volatile.Read(ref _collections);

    /// <summary>Notes that <paramref name="bytes"/> of a version or a cache are no longer held.</summary>
    public void Released(long bytes)
    {
        if (bytes > 0 && Interlocked.Add(ref _released, bytes) >= _threshold)
        {
            ScheduleOnce();
        }
    }

    private void ScheduleOnce()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            try
            {
                _timer.Change(_delay, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // The server is stopping: the process gives everything back.
            }
        }
    }

    private void Collect()
    {
        var released = Interlocked.Exchange(ref _released, 0);
        var before = Environment.WorkingSet;
        var started = Stopwatch.GetTimestamp();
        // Aggressive: compacts the large-object heap too (where versions' segments live) and decommits what it frees.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Interlocked.Increment(ref _collections);
        LogReturned(released, before - Environment.WorkingSet, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        Volatile.Write(ref _scheduled, 0);
        if (Volatile.Read(ref _released) >= _threshold)
        {
            ScheduleOnce(); // let go while this one ran
        }
    }

    public void Dispose() => _timer.Dispose();

    [LoggerMessage(LogLevel.Debug, "Returned memory to the system after {Released} bytes were let go: the working set shrank by {Shrunk} bytes in {ElapsedMs:0} ms")]
    private partial void LogReturned(long released, long shrunk, double elapsedMs);
}
