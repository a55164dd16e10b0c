using Microsoft.Extensions.Time.Testing;
using TsvLive.Tables.Uploads;

namespace TsvLive.Tests.Tables;

/// <summary>Progress sent at most once an interval, the newest value always last (a fake clock: no waiting).</summary>
public sealed class ThrottleTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider _clock = new();
    private readonly List<int> _sent = [];

    [Fact]
    public void TheFirstValueGoesAtOnceAndTheNewestOfAnIntervalWhenItEnds()
    {
        using var throttle = new Throttle<int>(s_interval, _clock, _sent.Add);

        throttle.Report(1);
        throttle.Report(2);
        throttle.Report(3);
        Assert.Equal([1], _sent);

        _clock.Advance(s_interval);
        Assert.Equal([1, 3], _sent);
    }

    [Fact]
    public void AValueAfterAQuietIntervalGoesAtOnce()
    {
        using var throttle = new Throttle<int>(s_interval, _clock, _sent.Add);
        throttle.Report(1);

        _clock.Advance(s_interval * 3);
        throttle.Report(2);

        Assert.Equal([1, 2], _sent);
    }

    [Fact]
    public void WithoutALeadingEdgeTheFirstValueWaitsOneInterval()
    {
        using var throttle = new Throttle<int>(s_interval, _clock, _sent.Add, leading: false);

        throttle.Report(1);
        Assert.Empty(_sent);
        _clock.Advance(s_interval / 2);
        throttle.Report(2);
        Assert.Empty(_sent);

        _clock.Advance(s_interval / 2);
        Assert.Equal([2], _sent);
    }

    [Fact]
    public void NothingIsSentOnceDisposed()
    {
        var throttle = new Throttle<int>(s_interval, _clock, _sent.Add);
        throttle.Report(1);
        throttle.Report(2);

        throttle.Dispose();
        _clock.Advance(s_interval * 2);
        throttle.Report(3);

        Assert.Equal([1], _sent);
    }

    [Fact]
    public void ManyReportsInManyIntervalsSendAtMostOneAnIntervalAndEndOnTheNewest()
    {
        using var throttle = new Throttle<int>(s_interval, _clock, _sent.Add);
        for (var i = 1; i <= 100; i++)
        {
            throttle.Report(i);
            _clock.Advance(s_interval / 10);
        }
        _clock.Advance(s_interval);

        Assert.InRange(_sent.Count, 10, 12);
        Assert.Equal(100, _sent[^1]);
        Assert.Equal(_sent.Order(), _sent);
    }
}
