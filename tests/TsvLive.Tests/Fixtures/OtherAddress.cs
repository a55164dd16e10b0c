using System.Net;
using System.Net.Sockets;

namespace TsvLive.Tests.Fixtures;

/// <summary>
/// Clients that come from another loopback address (127.0.0.2 and up: the whole 127.0.0.0/8 range
/// is this machine), so per-address limits can be tested as two different people would meet them.
/// </summary>
public static class OtherAddress
{
    /// <summary>An HTTP client whose connections start from <paramref name="from"/>.</summary>
    public static HttpClient HttpClientFrom(IPAddress from, Uri server) =>
        new(LoadTool.Hub.BoundTo(from)) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A plain TCP connection to the server from <paramref name="from"/>, with a small receive buffer.</summary>
    public static async Task<Socket> ConnectAsync(IPAddress from, Uri server, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        socket.Bind(new IPEndPoint(from, 0));
        await socket.ConnectAsync(IPAddress.Loopback, server.Port, cancellationToken);
        return socket;
    }

    /// <summary>Whether the server closed the connection (a read ends) within <paramref name="within"/>.</summary>
    public static async Task<bool> IsClosedByServerAsync(Socket socket, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
                // bytes the server sent before closing
            }
            return true;
        }
        catch (SocketException)
        {
            return true; // reset by the server
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
