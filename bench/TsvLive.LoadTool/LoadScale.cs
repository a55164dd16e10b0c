namespace TsvLive.LoadTool;

/// <summary>How big each scenario is: <see cref="Full"/> for the figures in docs/benchmarks.md, <see cref="Smoke"/> to check quickly that every scenario still runs.</summary>
internal sealed record LoadScale(
    int UploadBytes,
    int PageTableRows,
    int PageReads,
    int ConcurrentClients,
    int[] Watchers,
    long HugeFileBytes,
    int FloodConnections,
    int FloodPagesEach,
    TimeSpan Settle,
    int NoticeRounds,
    int OfficeViewers,
    TimeSpan MixedLoad,
    TimeSpan MixedLoadIdle)
{
    public static LoadScale Full { get; } = new(100_000_000, 10_000_000, 2000, 50, [1000, 10000], 1_000_000_000, 20, 50, TimeSpan.FromSeconds(3), 40, 500, TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(10));

    // Enough page reads from one connection to pass the default hub call limit (bursts of 100), as the full run does.
    public static LoadScale Smoke { get; } = new(1_000_000, 20_000, 400, 5, [20], 5_000_000, 3, 3, TimeSpan.Zero, 2, 20, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1));
}
