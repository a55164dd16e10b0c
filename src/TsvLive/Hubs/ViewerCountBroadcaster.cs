using Microsoft.Extensions.Options;

namespace TsvLive.Hubs;

/// <summary>Sends the current viewer count of every table whose count changed, a few times a second at most.</summary>
internal sealed class ViewerCountBroadcaster(
    ViewerRegistry viewers,
    TableEvents events,
    IOptions<TsvLiveOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.NotificationInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var (tableId, count) in viewers.TakeChanged())
            {
                events.ViewerCount(tableId, count);
            }
        }
    }
}
