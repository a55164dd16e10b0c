using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace TsvLive.LoadTool;

internal static class Hub
{
    public static async Task<HubConnection> ConnectAsync(Uri server, bool messagePack, CancellationToken cancellationToken)
    {
        var builder = new HubConnectionBuilder().WithUrl(new Uri(server, "/hubs/tables"), options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
        });
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }
        var connection = builder.Build();
        await connection.StartAsync(cancellationToken);
        return connection;
    }

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
