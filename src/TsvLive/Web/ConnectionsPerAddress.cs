using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace TsvLive.Web;

/// <summary>
/// Closes a new connection at once when its client address already holds
/// TsvLive:MaxConnectionsPerAddress: idle sockets from one address cannot use up the server's
/// connections and lock everyone else out. Runs in Kestrel's connection pipeline, before any HTTP.
/// </summary>
internal sealed partial class ConnectionsPerAddress(IOptions<TsvLiveOptions> options, ILogger<ConnectionsPerAddress> logger)
{
    private readonly ConcurrentDictionary<IPAddress, int> _open = new();

    public ConnectionDelegate Limit(ConnectionDelegate next) => async connection =>
    {
        if (connection.RemoteEndPoint is not IPEndPoint { Address: var address })
        {
            await next(connection);
            return;
        }
        try
        {
            var open = _open.AddOrUpdate(address, 1, (_, n) => n + 1);
            if (open > options.Value.MaxConnectionsPerAddress)
            {
                LogRefused(address, options.Value.MaxConnectionsPerAddress);
                return; // returning without the next step closes the connection
            }
            await next(connection);
        }
        finally
        {
            _open.AddOrUpdate(address, 0, (_, n) => n - 1);
            _open.TryRemove(new KeyValuePair<IPAddress, int>(address, 0));
        }
    };

    [LoggerMessage(LogLevel.Debug, "Refused a connection from {Address}: it already holds {Max} connections")]
    private partial void LogRefused(IPAddress address, int max);
}
