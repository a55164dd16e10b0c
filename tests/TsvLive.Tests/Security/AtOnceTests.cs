using TsvLive.Limits;

namespace TsvLive.Tests.Security;

/// <summary>At most N at once per key (no server).</summary>
public sealed class AtOnceTests
{
    [Fact]
    public void RefusedAttemptsHoldNoPlaceAndAGivenBackPlaceIsFreeAgain()
    {
        using var running = AtOnce.PerKey<string>(2);
        using var first = running.AttemptAcquire("a");
        var second = running.AttemptAcquire("a");

        for (var i = 0; i < 100; i++)
        {
            using var refused = running.AttemptAcquire("a");
            Assert.False(refused.IsAcquired);
        }
        using var otherKey = running.AttemptAcquire("b");
        second.Dispose();
        using var again = running.AttemptAcquire("a");

        Assert.True(first.IsAcquired);
        Assert.True(otherKey.IsAcquired);
        Assert.True(again.IsAcquired);
    }
}
