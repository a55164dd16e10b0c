using Microsoft.Extensions.Options;

namespace TsvLive.Tables;

/// <summary>
/// When TsvLive:ExpireAfter is set, deletes the tables nobody viewed for that long, a few times per
/// period (at most hourly), and logs each one it deletes.
/// </summary>
internal sealed partial class TableExpiry(TableStore store, IOptions<TsvLiveOptions> options, ILogger<TableExpiry> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.ExpireAfter is not { } unused)
        {
            return;
        }
        var every = TimeSpan.FromTicks(Math.Min(unused.Ticks / 4, TimeSpan.FromHours(1).Ticks));
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var id in await store.DeleteNotViewedForAsync(unused, stoppingToken))
                {
                    LogExpired(id, unused);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(e.Message); // the storage is unreachable now: the next sweep tries again
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "The expiry sweep failed and is tried again later: {Reason}")]
    private partial void LogSweepFailed(string reason);

    [LoggerMessage(LogLevel.Information, "Deleted table {TableId}: nobody viewed it for {Unused}")]
    private partial void LogExpired(string tableId, TimeSpan unused);
}
