namespace TsvLive.Tables.Uploads;

/// <summary>
/// Sends the latest of a value reported repeatedly (upload progress) at most once per interval, and
/// never sits on one: a value reported while the interval runs goes out when it ends (the trailing
/// edge), so whoever waits for the newest value always gets it, however fast reports come.
/// </summary>
internal sealed class Throttle<T> : IDisposable
{
    private readonly Lock _lock = new();
    private readonly TimeSpan _interval;
    private readonly TimeProvider _clock;
    private readonly Action<T> _send;
    private readonly ITimer _trailing;
    private long _lastSent;
    private bool _hasSent;
    private bool _pending;
    private bool _timerArmed;
    private bool _disposed;
    private T _value = default!;

    /// <param name="send">Sends a value; must not block (it runs under the throttle's lock).</param>
    /// <param name="leading">Whether the first report goes out at once; otherwise the first interval starts now.</param>
    public Throttle(TimeSpan interval, TimeProvider clock, Action<T> send, bool leading = true)
    {
        _interval = interval;
        _clock = clock;
        _send = send;
        _trailing = clock.CreateTimer(_ => SendPending(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (!leading)
        {
            _lastSent = clock.GetTimestamp();
            _hasSent = true;
        }
    }

    /// <summary>Sends <paramref name="value"/> now if the interval has passed, else once it has (unless a newer one replaces it).</summary>
    public void Report(T value)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _value = value;
            var sinceLast = _hasSent ? _clock.GetElapsedTime(_lastSent) : TimeSpan.MaxValue;
            if (sinceLast >= _interval)
            {
                SendLocked();
                return;
            }
            _pending = true;
            if (!_timerArmed)
            {
                _timerArmed = true;
                _trailing.Change(_interval - sinceLast, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Stops: nothing reported is sent any more (the caller sends its final word itself).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _pending = false;
        }
        _trailing.Dispose();
    }

    private void SendPending()
    {
        lock (_lock)
        {
            _timerArmed = false;
            if (_pending && !_disposed)
            {
                SendLocked();
            }
        }
    }

    private void SendLocked()
    {
        _pending = false;
        _hasSent = true;
        _lastSent = _clock.GetTimestamp();
        _send(_value);
    }
}
