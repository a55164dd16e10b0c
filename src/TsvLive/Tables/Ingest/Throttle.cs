namespace TsvLive.Tables.Ingest;

/// <summary>Says when something sent repeatedly (progress) is due again: at most once per interval, the first time at once.</summary>
internal sealed class Throttle(TimeSpan interval, TimeProvider clock)
{
    private long _last = long.MinValue;

    /// <summary>Counts the interval from now: nothing is due until it has passed.</summary>
    public Throttle StartingNow()
    {
        _last = clock.GetTimestamp();
        return this;
    }

    public bool IsDue()
    {
        var now = clock.GetTimestamp();
        if (_last != long.MinValue && clock.GetElapsedTime(_last, now) < interval)
        {
            return false;
        }
        _last = now;
        return true;
    }
}
