using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using TsvLive.Tables.Ingest;

namespace TsvLive.Hubs;

/// <summary>
/// The hub connections this instance holds, so that a stopping server closes them at once, after
/// its uploads in flight have been told why they end, instead of keeping them open (and paging)
/// while it drains. Pages then show "Reconnecting…" straight away and come back to a new instance.
/// </summary>
internal sealed class HubConnections : IDisposable
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _open = new(StringComparer.Ordinal);
    private readonly UploadDrain _uploads;
    private readonly CancellationTokenRegistration _registration;

    public HubConnections(IHostApplicationLifetime lifetime, UploadDrain uploads)
    {
        _uploads = uploads;
        _registration = lifetime.ApplicationStopping.Register(CloseAll);
    }

    public void Opened(HubCallerContext connection) => _open[connection.ConnectionId] = connection;

    public void Closed(string connectionId) => _open.TryRemove(connectionId, out _);

    public void Dispose() => _registration.Dispose();

    private void CloseAll()
    {
        _uploads.Drain();
        foreach (var connection in _open.Values)
        {
            connection.Abort();
        }
    }
}
