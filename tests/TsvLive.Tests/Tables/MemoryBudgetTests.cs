using Microsoft.Extensions.Options;
using TsvLive.Tables.Memory;

namespace TsvLive.Tests.Tables;

/// <summary>The budget is a counter: what fits is counted, what does not is refused and not counted (no server).</summary>
public sealed class MemoryBudgetTests
{
    private static MemoryBudget Budget(long limit, double share) =>
        new(Options.Create(new TsvLiveOptions { MaxBytesInMemory = limit, MaxBytesInMemoryShare = share }));

    [Fact]
    public void BytesThatFitAreCountedOverallAndForTheirAddress()
    {
        var budget = Budget(1000, 0.5);

        Assert.True(budget.TryReserve(300, "a", 0, out _));
        Assert.True(budget.TryReserve(400, "b", 0, out _));

        Assert.Equal(700, budget.Held);
        Assert.Equal(300, budget.HeldBy("a"));
        Assert.Equal(400, budget.HeldBy("b"));
    }

    [Fact]
    public void AnAddressOverItsShareIsRefusedAndNothingIsCounted()
    {
        var budget = Budget(1000, 0.5);
        Assert.True(budget.TryReserve(400, "a", 0, out _));

        Assert.False(budget.TryReserve(101, "a", 0, out var overall));

        Assert.False(overall);
        Assert.Equal(400, budget.Held);
        Assert.Equal(400, budget.HeldBy("a"));
        Assert.True(budget.TryReserve(100, "a", 0, out _));
    }

    [Fact]
    public void AFullServerIsRefusedOverall()
    {
        var budget = Budget(1000, 0.5);
        Assert.True(budget.TryReserve(500, "a", 0, out _));
        Assert.True(budget.TryReserve(450, "b", 0, out _));

        Assert.False(budget.TryReserve(100, "c", 0, out var overall));

        Assert.True(overall);
        Assert.Equal(950, budget.Held);
        Assert.Equal(0, budget.HeldBy("c"));
    }

    [Fact]
    public void AReplacementMayUseTheRoomOfTheVersionItReplaces()
    {
        var budget = Budget(1000, 0.5);
        Assert.True(budget.TryReserve(500, "a", 0, out _));

        Assert.False(budget.TryReserve(500, "a", credit: 0, out _));
        Assert.True(budget.TryReserve(500, "a", credit: 500, out _));
        budget.Release(500, "a"); // the replaced version, given back when the new one is published

        Assert.Equal(500, budget.Held);
    }

    [Fact]
    public void ReleasingEverythingLeavesNoAddressBehind()
    {
        var budget = Budget(1000, 1);
        Assert.True(budget.TryReserve(10, "a", 0, out _));
        Assert.True(budget.TryReserve(0, "a", 0, out _));

        budget.Release(10, "a");

        Assert.Equal(0, budget.Held);
        Assert.Equal(0, budget.HeldBy("a"));
    }

    [Fact]
    public void CachesTogetherHoldAtMostOneShareAndCountInTheWhole()
    {
        var budget = Budget(1000, 0.3);

        Assert.True(budget.TryReserveForCaches(300));
        Assert.False(budget.TryReserveForCaches(1));
        Assert.Equal(300, budget.HeldByCaches);
        Assert.Equal(300, budget.Held);
        Assert.True(budget.TryReserve(300, "a", 0, out _));
        Assert.True(budget.TryReserve(300, "b", 0, out _));
        Assert.False(budget.TryReserve(101, "c", 0, out var overall));
        Assert.True(overall);

        budget.ReleaseFromCaches(300);
        Assert.Equal(0, budget.HeldByCaches);
        Assert.Equal(600, budget.Held);
    }
}
