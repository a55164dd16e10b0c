using StackExchange.Redis;

namespace TsvLive.Cluster;

/// <summary>
/// What TsvLive keeps in Redis, all under <c>tsvlive:</c>:
/// <list type="bullet">
/// <item><c>tsvlive:table:{id}</c>: a hash, the table's metadata and its current version's content id and chunk count.</item>
/// <item><c>tsvlive:content:{contentId}:{n}</c>: the bytes of one version, in chunks of up to 1 MiB.</item>
/// <item><c>tsvlive:arriving:{id}</c>: a new table arriving on some instance (expires unless renewed; gone once stored).</item>
/// <item><c>tsvlive:viewed</c>: a sorted set, each table's last view (Unix ms), for expiry.</item>
/// <item><c>tsvlive:viewers:{id}</c>: a hash, each instance's count of the table's watchers.</item>
/// <item><c>tsvlive:presentation:{presenterId}</c>: a hash, a presentation's table, presenting connection, position and followers (<see cref="RedisPresentationDirectory"/>).</item>
/// <item><c>tsvlive:instances</c> and <c>tsvlive:instance-tables:{instance}</c>: each instance's last heartbeat, and the tables it counts.</item>
/// <item>channel <c>tsvlive:versions</c>: "{instance} {id} {version}" when a version is stored (0: deleted).</item>
/// <item>channel <c>tsvlive:appends</c>: "{instance} {id} {version} {size}" when records are appended to a version (its new size in bytes).</item>
/// <item>channels <c>tsvlive:hub:*</c>: SignalR's backplane.</item>
/// </list>
/// The Lua scripts in <see cref="RedisScripts"/> build the same names.
/// </summary>
internal static class RedisKeys
{
    public const string Prefix = "tsvlive:";

    public static readonly RedisChannel Versions = RedisChannel.Literal(Prefix + "versions");

    public static readonly RedisChannel Appends = RedisChannel.Literal(Prefix + "appends");

    public static readonly RedisKey Viewed = Prefix + "viewed";

    public static RedisKey Table(string id) => Prefix + "table:" + id;

    public static RedisKey Chunk(string contentId, int n) => $"{Prefix}content:{contentId}:{n}";

    public static RedisKey Arriving(string id) => Prefix + "arriving:" + id;

    public static RedisKey Presentation(string presenterId) => Prefix + "presentation:" + presenterId;
}
