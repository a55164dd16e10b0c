using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TsvLive.Hubs;

namespace TsvLive.Cluster;

/// <summary>
/// Viewer counts over every instance: each instance keeps its own counts in Redis and beats every
/// second; an instance silent for TsvLive:InstanceTimeout (a crash) is forgotten by the next one to
/// beat, which sends the lower totals (see <see cref="RedisScripts.Viewers"/>).
/// </summary>
internal sealed class RedisViewerTotals(RedisConnection redis, IOptions<TsvLiveOptions> options) : IViewerTotals
{
    public TimeSpan? Heartbeat => TimeSpan.FromSeconds(1);

    public async Task<IReadOnlyList<(string TableId, int Count)>> ExchangeAsync(IReadOnlyList<(string TableId, int Count)> local, CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "Redis cannot be reached.");
        }
        RedisValue[] arguments =
        [
            redis.InstanceId,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            (long)options.Value.InstanceTimeout.TotalMilliseconds,
            .. local.SelectMany(c => new RedisValue[] { c.TableId, c.Count }),
        ];
        var result = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(RedisScripts.Viewers, values: arguments).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        var totals = new List<(string, int)>(result.Length / 2);
        for (var i = 0; i + 1 < result.Length; i += 2)
        {
            totals.Add(((string)result[i]!, (int)result[i + 1]));
        }
        return totals;
    }
}
