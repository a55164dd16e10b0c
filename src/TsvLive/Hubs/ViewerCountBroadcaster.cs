using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace TsvLive.Hubs;

/// <summary>
/// Sends the viewer count of every table whose count changed, a few times a second at most: the
/// total over every instance (<see cref="IViewerTotals"/>). When the totals cannot be had (Redis
/// is down), the changes are kept and sent once they can.
/// </summary>
internal sealed partial class ViewerCountBroadcaster(
    ViewerRegistry viewers,
    IViewerTotals totals,
    TableEvents events,
    IOptions<TsvLiveOptions> options,
    ILogger<ViewerCountBroadcaster> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.NotificationInterval);
        var lastExchange = Stopwatch.GetTimestamp();
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var changed = viewers.TakeChanged().ToList();
            if (changed.Count == 0 && (totals.Heartbeat is not { } heartbeat || Stopwatch.GetElapsedTime(lastExchange) < heartbeat))
            {
                continue;
            }
            lastExchange = Stopwatch.GetTimestamp();
            try
            {
                foreach (var (tableId, count) in await totals.ExchangeAsync(changed, stoppingToken))
                {
                    events.ViewerCount(tableId, count);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                viewers.MarkChanged(changed.Select(c => c.TableId));
                LogExchangeFailed(e.Message);
            }
        }
    }

    [LoggerMessage(LogLevel.Debug, "Viewer counts could not be exchanged; tried again at the next tick: {Reason}")]
    private partial void LogExchangeFailed(string reason);
}
