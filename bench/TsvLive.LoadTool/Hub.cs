using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace TsvLive.LoadTool;

internal static class Hub
{
    /// <param name="from">The loopback address to connect from (127.0.0.2 and up are this machine too): another person, as per-address limits see it.</param>
    public static async Task<HubConnection> ConnectAsync(Uri server, bool messagePack, CancellationToken cancellationToken, IPAddress? from = null)
    {
        var builder = new HubConnectionBuilder().WithUrl(new Uri(server, "/hubs/tables"), options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
            if (from is not null)
            {
                options.WebSocketFactory = async (context, cancel) =>
                {
                    var socket = new ClientWebSocket();
                    using var invoker = new HttpMessageInvoker(BoundTo(from));
                    await socket.ConnectAsync(context.Uri, invoker, cancel);
                    return socket;
                };
            }
        });
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }
        var connection = builder.Build();
        await connection.StartAsync(cancellationToken);
        return connection;
    }

    /// <summary>An HTTP handler whose connections start from <paramref name="from"/> (the tests use it too).</summary>
    internal static SocketsHttpHandler BoundTo(IPAddress from) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    public static async IAsyncEnumerable<byte[]> Stream(IReadOnlyList<byte[]> chunks, Action onFirst)
    {
        for (var i = 0; i < chunks.Count; i++)
        {
            if (i == 0)
            {
                onFirst();
            }
            yield return chunks[i];
            await Task.CompletedTask;
        }
    }
}
