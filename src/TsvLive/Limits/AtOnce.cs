using System.Threading.RateLimiting;

namespace TsvLive.Limits;

/// <summary>
/// "At most N at once per key" (uploads running per address and per connection, connections open per
/// address, page reads per address): System.Threading.RateLimiting's concurrency limiter, one per key.
/// A lease holds a place until it is disposed; a refused attempt holds none.
/// </summary>
internal static class AtOnce
{
    /// <param name="max">How many may run at once per key.</param>
    /// <param name="queue">How many more may wait their turn, oldest first (0: refused at once).</param>
    public static PartitionedRateLimiter<TKey> PerKey<TKey>(int max, int queue = 0) where TKey : notnull =>
        PartitionedRateLimiter.Create<TKey, TKey>(key => RateLimitPartition.GetConcurrencyLimiter(key, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = max,
            QueueLimit = queue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }));
}
