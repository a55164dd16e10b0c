using System.Security.Cryptography;
using StackExchange.Redis;

namespace TsvLive.Cluster;

/// <summary>
/// The one connection to Redis (ConnectionStrings:Redis) that every part of the cluster shares: the
/// store, the version notices, the viewer counts and SignalR's backplane. One connection keeps
/// their messages in the order they were sent, so an instance hears that a version was stored
/// before its viewers hear <c>TableReplaced</c> for it. The app starts, and reports not ready, while
/// Redis is down, and carries on by itself when Redis comes back.
/// </summary>
internal sealed class RedisConnection : IDisposable
{
    public const string ConnectionStringName = "Redis";

    public RedisConnection(string connectionString, TextWriter? log = null)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false; // start without Redis; connect when it comes
        options.ClientName = "tsvlive-" + InstanceId;
        Multiplexer = ConnectionMultiplexer.Connect(options, log);
    }

    /// <summary>This process among the instances (random per start): its viewer counts and its own notices are known by it.</summary>
    public string InstanceId { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();

    public IConnectionMultiplexer Multiplexer { get; }

    public IDatabase Database => Multiplexer.GetDatabase();

    public bool IsConnected => Multiplexer.IsConnected;

    /// <summary>Where Redis is, for messages (host and port, never a password).</summary>
    public string Endpoints => string.Join(", ", Multiplexer.GetEndPoints().Select(e => e.ToString()));

    public void Dispose() => Multiplexer.Dispose();
}
