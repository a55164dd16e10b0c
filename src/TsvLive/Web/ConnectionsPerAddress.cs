using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using TsvLive.Limits;

namespace TsvLive.Web;

/// <summary>
/// Closes a new connection at once when its client address already holds
/// TsvLive:MaxConnectionsPerAddress (IPv6 clients by their /64, <see cref="ClientAddress"/>): idle sockets from one address cannot use up the server's
/// connections and lock everyone else out. Runs in Kestrel's connection pipeline, before any HTTP.
/// A known proxy's connections carry many clients and are not limited here; its clients are held to
/// the per-address limits of each request (<see cref="ProxyHeaders"/>).
/// </summary>
internal sealed partial class ConnectionsPerAddress(IOptions<TsvLiveOptions> options, ProxyHeaders proxies, ILogger<ConnectionsPerAddress> logger)
    : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _open = AtOnce.PerKey<IPAddress>(options.Value.ConnectionsPerAddress);

    public ConnectionDelegate Limit(ConnectionDelegate next) => async connection =>
    {
        if (connection.RemoteEndPoint is not IPEndPoint { Address: var address } || proxies.IsKnownProxy(address))
        {
            await next(connection);
            return;
        }
        using var place = _open.AttemptAcquire(ClientAddress.Of(address, options.Value.IPv6PrefixLength)!);
        if (!place.IsAcquired)
        {
            LogRefused(address, options.Value.ConnectionsPerAddress);
            return; // returning without the next step closes the connection
        }
        await next(connection);
    };

    public void Dispose() => _open.Dispose();

    [LoggerMessage(LogLevel.Debug, "Refused a connection from {Address}: it already holds {Max} connections")]
    private partial void LogRefused(IPAddress address, int max);
}
