using System.Net.WebSockets;
using System.Text;

namespace TsvLive.Tests.Fixtures;

/// <summary>
/// A hub client speaking the JSON protocol over a bare WebSocket, so a test can drop the
/// connection without a goodbye (no close frame), as a crashed browser or a pulled cable does.
/// </summary>
public sealed class RawHubSocket : IDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private int _invocationId;

    public static async Task<RawHubSocket> ConnectAsync(Uri server, CancellationToken cancellationToken, string? origin = null)
    {
        var raw = new RawHubSocket();
        if (origin is not null)
        {
            raw._socket.Options.SetRequestHeader("Origin", origin);
        }
        var url = new UriBuilder(server) { Scheme = server.Scheme == "https" ? "wss" : "ws", Path = "/hubs/tables" }.Uri;
        await raw._socket.ConnectAsync(url, cancellationToken).WithTimeout();
        await raw.SendAsync("{\"protocol\":\"json\",\"version\":1}", cancellationToken);
        var handshake = await raw.ReceiveAsync(cancellationToken);
        if (handshake.Contains("error", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Handshake failed: " + handshake);
        }
        return raw;
    }

    /// <summary>Invokes a hub method with string arguments and returns the raw completion message.</summary>
    public async Task<string> InvokeAsync(string target, string argument, CancellationToken cancellationToken)
    {
        var id = (++_invocationId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SendAsync($"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":\"{target}\",\"arguments\":[\"{argument}\"]}}", cancellationToken);
        while (true)
        {
            var message = await ReceiveAsync(cancellationToken);
            if (message.Contains("\"type\":3", StringComparison.Ordinal) && message.Contains($"\"invocationId\":\"{id}\"", StringComparison.Ordinal))
            {
                return message;
            }
        }
    }

    /// <summary>Sends an invocation (arguments as JSON) without waiting for, or reading, its answer.</summary>
    public Task SendInvocationAsync(string target, string argumentsJson, CancellationToken cancellationToken)
    {
        var id = (++_invocationId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return SendAsync($"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":\"{target}\",\"arguments\":{argumentsJson}}}", cancellationToken);
    }

    /// <summary>Drops the connection: no close frame, no hub goodbye.</summary>
    public void Abort() => _socket.Abort();

    public void Dispose() => _socket.Dispose();

    private Task SendAsync(string message, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(message + RecordSeparator), WebSocketMessageType.Text, true, cancellationToken).WithTimeout();

    private async Task<string> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var text = new StringBuilder();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, cancellationToken).WithTimeout();
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
        while (!result.EndOfMessage);
        return text.ToString();
    }
}
