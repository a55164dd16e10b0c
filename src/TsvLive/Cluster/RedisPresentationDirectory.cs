using System.Text.Json;
using StackExchange.Redis;
using TsvLive.Api;
using TsvLive.Errors;
using TsvLive.Hubs;

namespace TsvLive.Cluster;

/// <summary>
/// Presentations in Redis, so a follow link works through any instance: <c>tsvlive:presentation:{id}</c>
/// holds the table, the presenting connection, the last position (renewed as the presenter moves) and
/// the followers' count over every instance. It lasts a day unless renewed; an ended presentation is removed.
/// </summary>
internal sealed class RedisPresentationDirectory(RedisConnection redis) : IPresentationDirectory
{
    private static readonly TimeSpan s_life = TimeSpan.FromDays(1);
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <remarks>While Redis cannot be reached, followers on other instances miss the move; the next one puts them right.</remarks>
    public void Publish(string presenterId, PresentationEntry entry)
    {
        try
        {
            var key = RedisKeys.Presentation(presenterId);
            var batch = redis.Database.CreateBatch();
            _ = batch.HashSetAsync(key,
            [
                new HashEntry("table", entry.TableId),
                new HashEntry("connection", entry.ConnectionId),
                new HashEntry("position", JsonSerializer.Serialize(entry.Position, s_json)),
            ], CommandFlags.FireAndForget);
            _ = batch.KeyExpireAsync(key, s_life, CommandFlags.FireAndForget);
            batch.Execute();
        }
        catch (RedisException)
        {
        }
    }

    /// <remarks>While Redis cannot be reached, the entry stays until it expires; following it then finds a presentation whose moves never come.</remarks>
    public void Remove(string presenterId)
    {
        try
        {
            redis.Database.KeyDelete(RedisKeys.Presentation(presenterId), CommandFlags.FireAndForget);
        }
        catch (RedisException)
        {
        }
    }

    public async Task<PresentationEntry?> FindAsync(string presenterId, CancellationToken cancellationToken)
    {
        RedisValue[] values;
        try
        {
            values = await redis.Database.HashGetAsync(RedisKeys.Presentation(presenterId), ["table", "connection", "position"]).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException)
        {
            throw new StorageUnavailableException();
        }
        return values.Any(v => v.IsNull)
            ? null
            : new PresentationEntry(values[0]!, values[1]!, JsonSerializer.Deserialize<RowsRequest>((string)values[2]!, s_json)!);
    }

    public async Task<int> CountFollowersAsync(string presenterId, int change, CancellationToken cancellationToken) =>
        (int)Math.Max(0, await redis.Database.HashIncrementAsync(RedisKeys.Presentation(presenterId), "followers", change).WaitAsync(cancellationToken).ConfigureAwait(false));
}
